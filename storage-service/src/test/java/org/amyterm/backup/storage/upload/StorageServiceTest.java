package org.amyterm.backup.storage.upload;

import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.amyterm.backup.contracts.BackupEvent;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.messaging.IncomingEvents;
import org.amyterm.backup.messaging.RecordedEvents;
import org.amyterm.backup.objectstore.ObjectStore;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the storage service's {@code @QuarkusTest}s share: its in-memory channels (what it is sent,
 * what it published, cleared before each test) and the bucket it writes to.
 */
abstract class StorageServiceTest {
    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    ObjectStore store;

    @Inject
    ObjectLayout layout;

    RecordedEvents events;

    @BeforeEach
    void clearEvents() {
        events = new RecordedEvents(connector.sink("events"));
        events.clear();
    }

    /** Delivers a dump event as Kafka would, with its CloudEvents type. */
    void send(BackupEvent event) {
        connector.source("backup-dumps").send(IncomingEvents.of(event));
    }

    byte[] object(String key) throws Exception {
        try (var in = store.open(key)) {
            return in.readAllBytes();
        }
    }
}
