package org.amyterm.backup.dumper.request;

import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.dumper.config.SourceDatabases;
import org.amyterm.backup.messaging.EventPublisher;

/**
 * Turns "back this database up" (from the schedule, REST or the CLI) into a BackupRequested event.
 * An idempotency key makes one backup however often and however late it is sent again (see
 * {@link RequestKeys}): a repeat answers with the first request.
 */
@ApplicationScoped
@Startup // the idempotency keys' topic is made and read at start-up, not on the first request
public class BackupRequests {
    /** How long a request waits for the idempotency keys to be read at start-up before it is refused. */
    private static final Duration KEYS_WAIT = Duration.ofSeconds(30);

    private final SourceDatabases databases;
    private final EventPublisher events;
    private final RequestKeys keys;

    public BackupRequests(SourceDatabases databases, EventPublisher events,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.databases = databases;
        this.events = events;
        this.keys = new RequestKeys(kafka);
    }

    @PreDestroy
    void close() {
        keys.close();
    }

    /** A request answered: the backup to follow, and whether an earlier request with its key made it. */
    public record Outcome(BackupRequested request, boolean repeated) {
    }

    public Outcome request(String database, BackupReason reason, String requestedBy, String idempotencyKey) {
        return request(database, reason, requestedBy, idempotencyKey, Instant.now());
    }

    /** A request at a given time: the time and the idempotency key fix the backup id of a first request. */
    public Outcome request(String database, BackupReason reason, String requestedBy, String idempotencyKey,
            Instant requestedAt) {
        ObjectLayout.requireDatabaseName(database);
        List<String> known = databases.names();
        if (!known.contains(database)) {
            throw new UnknownDatabaseException(database, known);
        }
        String key = idempotencyKey == null || idempotencyKey.isBlank() ? UUID.randomUUID().toString() : idempotencyKey;
        Optional<RequestKeys.Entry> earlier = keys.find(database, key, KEYS_WAIT);
        if (earlier.isPresent()) {
            if (!earlier.get().published()) {
                publish(earlier.get().request()); // recorded, then the service stopped before publishing it
            }
            return new Outcome(earlier.get().request(), true);
        }
        BackupRequested request = BackupRequested.of(database, reason, requestedBy, key, requestedAt);
        keys.remember(request, false); // the key first: a crash now leaves a key whose retry publishes, not a second backup
        publish(request);
        return new Outcome(request, false);
    }

    /** Whether a request with this key was made for the database (by any replica, at any time). */
    public boolean wasRequested(String database, String idempotencyKey) {
        return keys.find(database, idempotencyKey, KEYS_WAIT).isPresent();
    }

    private void publish(BackupRequested request) {
        events.publish(request);
        keys.remember(request, true);
    }

    /** The database is not one this service is configured to back up. */
    public static class UnknownDatabaseException extends IllegalArgumentException {
        public UnknownDatabaseException(String database, List<String> known) {
            super("database '" + database + "' is not configured for backup; configured: " + String.join(", ", known)
                    + " (amyterm.backup.source.databases, amyterm.backup.databases)");
        }
    }
}
