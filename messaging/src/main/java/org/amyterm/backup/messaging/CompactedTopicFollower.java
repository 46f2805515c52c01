package org.amyterm.backup.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads a compacted topic that holds a service's own state from its beginning, then follows it, on
 * a thread of its own and in no consumer group (every replica reads every partition, and commits
 * nothing): what a replica knows survives its restart and matches what the others wrote. The
 * topic is made compacted if missing, and set so if it is not (a warning if that is not allowed,
 * naming what would be lost). Reading that fails is tried again with backoff up to 30 s.
 */
public final class CompactedTopicFollower {
    private static final Logger LOG = Logger.getLogger(CompactedTopicFollower.class);

    private final Map<String, Object> kafka;
    private final String topic;
    private final String clientId;
    private final String lostIfNotCompacted;
    private final Consumer<ConsumerRecord<String, String>> onRecord;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    /** Counted down on stop: ends the wait between two attempts to read the topic at once. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile KafkaConsumer<String, String> consumer;
    private Thread follower;

    /**
     * {@code kafka}: the client settings (the default broker's, with its login); {@code lostIfNotCompacted}
     * completes "without compaction, …" in the warning; {@code onRecord} is called on the follower's thread.
     */
    public CompactedTopicFollower(Map<String, Object> kafka, String topic, String clientId, String lostIfNotCompacted,
            Consumer<ConsumerRecord<String, String>> onRecord) {
        this.kafka = kafka;
        this.topic = topic;
        this.clientId = clientId;
        this.lostIfNotCompacted = lostIfNotCompacted;
        this.onRecord = onRecord;
    }

    public synchronized void start() {
        if (follower != null) {
            return;
        }
        follower = new Thread(this::follow, clientId);
        follower.setDaemon(true);
        follower.start();
    }

    public void stop() {
        stopped.countDown();
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** Whether the topic was read to the end it had when reading began, waiting at most {@code timeout}. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        start();
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private boolean stopping() {
        return stopped.getCount() == 0;
    }

    private void follow() {
        Duration backoff = Duration.ofSeconds(1);
        while (!stopping()) {
            try {
                ensureCompacted();
                readForever();
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (stopping()) {
                    return;
                }
                LOG.warnf("reading %s failed (%s); trying again in %s", topic, e, backoff);
                try {
                    if (stopped.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30)
                        : backoff.multipliedBy(2);
            }
        }
    }

    private void readForever() {
        Map<String, Object> config = new HashMap<>(kafka);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer = c;
            List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                // a topic made a moment ago may not be in the metadata yet
                throw new IllegalStateException(topic + " has no partitions yet");
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions, Duration.ofSeconds(30));
            while (!stopping()) {
                for (ConsumerRecord<String, String> record : c.poll(Duration.ofSeconds(1))) {
                    onRecord.accept(record);
                }
                if (caughtUp.getCount() > 0 && end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                }
            }
        } finally {
            consumer = null;
        }
    }

    private void ensureCompacted() {
        try (Admin admin = Admin.create(kafka)) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                        .all().get(30, TimeUnit.SECONDS);
                LOG.infof("created the compacted topic %s", topic);
                return;
            } catch (ExecutionException e) {
                // without the right to create topics, the operator made it (docs/deployment.md#kafka)
                if (!(e.getCause() instanceof TopicExistsException || e.getCause() instanceof TopicAuthorizationException)) {
                    throw new IllegalStateException("cannot create " + topic + ": " + e.getCause().getMessage(), e);
                }
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            String policy;
            try {
                policy = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                        .get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicAuthorizationException)) {
                    throw new IllegalStateException("cannot check " + topic + ": " + e.getCause().getMessage(), e);
                }
                LOG.warnf("may not read the configuration of %s (grant DescribeConfigs on it): make sure it has "
                        + "cleanup.policy=compact; without compaction, %s", topic, lostIfNotCompacted);
                return;
            }
            if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                try {
                    admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry(
                            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT), AlterConfigOp.OpType.SET))))
                            .all().get(30, TimeUnit.SECONDS);
                    LOG.warnf("%s had cleanup.policy=%s; set it to compact", topic, policy);
                } catch (ExecutionException e) {
                    LOG.warnf("%s has cleanup.policy=%s and could not be set to compact (%s): %s", topic, policy,
                            e.getCause().getMessage(), lostIfNotCompacted);
                }
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot check " + topic + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
