package org.amyterm.backup.notifier;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.amyterm.backup.contracts.BackupEvent;
import org.amyterm.backup.contracts.EventJson;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes events onto the real broker as the other services do (CloudEvents headers), and reads topics back. */
public final class Topics {
    private Topics() {
    }

    public static void publish(BackupEvent event) {
        ProducerRecord<String, String> record = new ProducerRecord<>(event.topic(), event.kafkaKey(), EventJson.write(event));
        record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_source", "urn:amyterm-backup:test".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", event.cloudEventType().getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_subject", event.subject().getBytes(StandardCharsets.UTF_8));
        send(record);
    }

    public static void sendRaw(String topic, String key, String payload) {
        send(new ProducerRecord<>(topic, key, payload));
    }

    private static void send(ProducerRecord<String, String> record) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, NotifierResource.broker.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not produce onto " + record.topic(), e);
        }
    }

    /** Every record on the topic now (waits until it exists). */
    public static List<ConsumerRecord<String, String>> read(String topic) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, NotifierResource.broker.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                return !consumer.assignment().isEmpty() && consumer.assignment().stream()
                        .allMatch(p -> consumer.position(p) >= consumer.endOffsets(List.of(p)).get(p));
            });
            return records;
        }
    }
}
