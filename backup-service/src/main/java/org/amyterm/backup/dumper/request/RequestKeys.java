package org.amyterm.backup.dumper.request;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.EventJson;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Which request each idempotency key made, kept in a compacted Kafka topic (one record per key,
 * forever), so a request retried a second, a day or a restart later gets the same backup. Every
 * replica reads the whole topic at start and then follows it; a request is answered once the
 * start-up read is done. Records are the request and whether it was published: a key recorded just
 * before a crash, whose request never reached the topic, is published by its retry.
 */
final class RequestKeys implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RequestKeys.class);
    static final String TOPIC = "backup.request-keys";
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> kafka;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final Thread follower;
    private volatile boolean closed;

    /** What a key made: its request, and whether the request was published. */
    public record Entry(BackupRequested request, boolean published) {
    }

    /** {@code kafka}: the service's Kafka client configuration (bootstrap servers, security). */
    RequestKeys(Map<String, Object> kafka) {
        this.kafka = Map.copyOf(kafka);
        Map<String, Object> producerConfig = new HashMap<>(kafka);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer());
        Map<String, Object> consumerConfig = new HashMap<>(kafka);
        consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned, not a group member: every replica reads all
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer());
        this.follower = new Thread(this::follow, "request-keys");
        this.follower.setDaemon(true);
        this.follower.start();
    }

    /** The request the key made for the database, waiting up to {@code wait} for the start-up read. */
    Optional<Entry> find(String database, String idempotencyKey, Duration wait) {
        try {
            if (!loaded.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new NotReadyException("the idempotency keys (topic " + TOPIC + ") are still being read; "
                        + "is Kafka reachable? Try again shortly");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotReadyException("interrupted while reading the idempotency keys");
        }
        return Optional.ofNullable(entries.get(key(database, idempotencyKey)));
    }

    /** Records what the key made, durably (acknowledged by all in-sync replicas) before returning. */
    void remember(BackupRequested request, boolean published) {
        Entry entry = new Entry(request, published);
        String key = key(request.database(), request.idempotencyKey());
        try {
            producer.send(new ProducerRecord<>(TOPIC, key, EventJson.write(entry))).get(SEND_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not record the idempotency key of the request for "
                    + request.database() + " in " + TOPIC + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording an idempotency key", e);
        }
        entries.put(key, entry);
    }

    private static String key(String database, String idempotencyKey) {
        return database + "/" + idempotencyKey;
    }

    /**
     * Creates the compacted topic if missing, reads it to its end, then follows it. While Kafka
     * cannot be reached (at start-up, say) it tries again every few seconds.
     */
    private void follow() {
        try {
            while (!closed) {
                try {
                    readAndFollow();
                } catch (WakeupException stopping) {
                    return; // close() woke the consumer
                } catch (RuntimeException e) {
                    LOG.warnf("cannot read %s (idempotency keys) yet, trying again: %s", TOPIC, e.getMessage());
                    if (stopped.await(5, TimeUnit.SECONDS)) {
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void readAndFollow() {
        createTopicIfMissing();
        List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofMinutes(1)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofMinutes(1));
        while (!closed) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                apply(record);
            }
            if (loaded.getCount() > 0 && partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
                LOG.infof("read %d idempotency keys from %s", entries.size(), TOPIC);
                loaded.countDown();
            }
        }
    }

    private void apply(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            entries.remove(record.key());
            return;
        }
        try {
            entries.put(record.key(), EventJson.read(record.value(), Entry.class));
        } catch (RuntimeException malformed) {
            LOG.warnf("skipping an unreadable record at %s-%d@%d: %s", record.topic(), record.partition(),
                    record.offset(), malformed.getMessage());
        }
    }

    private void createTopicIfMissing() {
        try (Admin admin = Admin.create(kafka)) {
            Set<String> topics = admin.listTopics().names().get(1, TimeUnit.MINUTES);
            if (!topics.contains(TOPIC)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, Optional.of(1), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                        .all().get(1, TimeUnit.MINUTES);
                LOG.infof("created the compacted topic %s", TOPIC);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create " + TOPIC + ": " + e.getCause().getMessage(), e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not list or create " + TOPIC + " within a minute", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + TOPIC, e);
        }
    }

    @Override
    public void close() {
        closed = true;
        stopped.countDown();
        consumer.wakeup();
        producer.close(Duration.ofSeconds(5));
    }

    /** The keys cannot be consulted yet: the request is refused (503) rather than risk a second backup. */
    static final class NotReadyException extends IllegalStateException {
        NotReadyException(String message) {
            super(message);
        }
    }
}
