package org.amyterm.backup.messaging;

import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.net.URI;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.UUID;
import org.amyterm.backup.contracts.BackupEvent;
import org.amyterm.backup.contracts.EventJson;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * Turns an event into a Kafka record in CloudEvents binary mode: the JSON record is the data, the
 * id, source, type, time and subject (the database) are {@code ce_} headers, the database is the
 * key and the event's own topic is the destination.
 */
public final class CloudEventMessages {
    private CloudEventMessages() {
    }

    public static Message<String> of(BackupEvent event, URI source) {
        OutgoingCloudEventMetadata<String> cloudEvent = OutgoingCloudEventMetadata.<String>builder()
                .withId(UUID.randomUUID().toString())
                .withSource(source)
                .withType(event.cloudEventType())
                .withSubject(event.subject())
                .withTimestamp(ZonedDateTime.now(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .build();
        OutgoingKafkaRecordMetadata<String> record = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.kafkaKey())
                .withTopic(event.topic())
                .build();
        return Message.of(EventJson.write(event), Metadata.of(cloudEvent, record));
    }
}
