package org.amyterm.backup.messaging;

import org.awaitility.Awaitility;

import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import java.time.Duration;
import java.util.List;
import org.amyterm.backup.contracts.EventJson;
import org.eclipse.microprofile.reactive.messaging.Message;

/** What a service published on its in-memory {@code events} channel, by CloudEvents type. */
public final class RecordedEvents {
    private final InMemorySink<String> sink;

    public RecordedEvents(InMemorySink<String> sink) {
        this.sink = sink;
    }

    public void clear() {
        sink.clear();
    }

    /** Everything published, in order. */
    @SuppressWarnings("unchecked")
    public List<Message<String>> all() {
        return sink.received().stream().map(m -> (Message<String>) m).toList();
    }

    @SuppressWarnings("unchecked")
    public List<Message<String>> ofType(String type) {
        return sink.received().stream()
                .filter(m -> m.getMetadata(OutgoingCloudEventMetadata.class).map(ce -> ce.getType().equals(type)).orElse(false))
                .map(m -> (Message<String>) m)
                .toList();
    }

    /** The first message of the type, waiting up to 90 s for it. */
    public Message<String> awaitMessage(String type) {
        return Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> ofType(type), l -> !l.isEmpty()).get(0);
    }

    /** The first event of the record's type, read back as the record. */
    public <T> T await(Class<T> record, String type) {
        return EventJson.read(awaitMessage(type).getPayload(), record);
    }
}
