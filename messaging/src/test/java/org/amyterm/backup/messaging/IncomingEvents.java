package org.amyterm.backup.messaging;

import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.ce.impl.DefaultIncomingCloudEventMetadata;
import java.net.URI;
import java.util.UUID;
import org.amyterm.backup.contracts.BackupEvent;
import org.amyterm.backup.contracts.EventJson;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/** An event as a consumer receives it from Kafka: the JSON record with its CloudEvents attributes. */
public final class IncomingEvents {
    private IncomingEvents() {
    }

    public static Message<String> of(BackupEvent event) {
        return withType(EventJson.write(event), event.cloudEventType());
    }

    public static Message<String> withType(String payload, String type) {
        OutgoingCloudEventMetadata<String> attributes = OutgoingCloudEventMetadata.<String>builder()
                .withId(UUID.randomUUID().toString())
                .withSource(URI.create("urn:amyterm-backup:test"))
                .withType(type)
                .withSubject("test")
                .build();
        return Message.of(payload, Metadata.of(new DefaultIncomingCloudEventMetadata<>(attributes)));
    }
}
