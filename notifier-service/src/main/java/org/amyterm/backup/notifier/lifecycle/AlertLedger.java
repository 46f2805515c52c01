package org.amyterm.backup.notifier.lifecycle;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.amyterm.backup.contracts.AlertChanged;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.MalformedEventException;
import org.amyterm.backup.contracts.Topics;
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
 * The state of every alert, read from the compacted topic {@code backup.alerts}: at start from its
 * beginning (so a restarted notifier knows which alerts are open and sends none again), then
 * following it, so a replica also sees the changes the others publish. A change this replica
 * publishes is applied at once as well; a record never replaces a later revision.
 */
@ApplicationScoped
public class AlertLedger {
    private static final Logger LOG = Logger.getLogger(AlertLedger.class);
    static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(2);

    private final Map<String, Object> kafka;
    private final Map<String, AlertChanged> alerts = new ConcurrentHashMap<>();
    /** The latest notice of each kind and scope ({@code notice/<event type>/<database>}): what was told last. */
    private final Map<String, AlertChanged> notices = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    /** Counted down on shutdown: ends the wait between two attempts to read the topic at once. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile KafkaConsumer<String, String> consumer;
    private volatile Thread follower;

    public AlertLedger(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.kafka = kafka;
    }

    void start(@Observes @Priority(1) StartupEvent startup) {
        start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        stopped.countDown();
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    synchronized void start() {
        if (follower != null) {
            return;
        }
        follower = new Thread(this::follow, "alert-ledger");
        follower.setDaemon(true);
        follower.start();
    }

    private boolean stopping() {
        return stopped.getCount() == 0;
    }

    /** The alert's latest state, waiting (bounded) until the topic has been read to its end once. */
    public Optional<AlertChanged> current(String alertId) {
        awaitCaughtUp();
        return Optional.ofNullable(alerts.get(alertId));
    }

    /** Every alert open now. */
    public List<AlertChanged> open() {
        awaitCaughtUp();
        return alerts.values().stream().filter(AlertChanged::open).toList();
    }

    /** The {@code limit} alerts changed last, open or not, each at its latest revision, newest first. */
    public List<AlertChanged> recent(int limit) {
        awaitCaughtUp();
        return alerts.values().stream().sorted(java.util.Comparator.comparing(AlertChanged::changedAt).reversed())
                .limit(limit).toList();
    }

    /** How many are open as far as read so far, without waiting (a metric must not block). */
    long openNow() {
        return alerts.values().stream().filter(AlertChanged::open).count();
    }

    /** The latest notice published under {@code noticeId}, waiting (bounded) until the topic has been read once. */
    Optional<AlertChanged> lastNotice(String noticeId) {
        awaitCaughtUp();
        return Optional.ofNullable(notices.get(noticeId));
    }

    /** Applies a change this replica published (the follower applies it too, later: no harm). */
    void apply(AlertChanged change) {
        if (change.transition() == AlertChanged.Transition.NOTICE) {
            notices.merge(change.alertId(), change, (old, next) -> next.changedAt().isBefore(old.changedAt()) ? old : next);
            return;
        }
        alerts.merge(change.alertId(), change, (old, next) -> next.revision() >= old.revision() ? next : old);
    }

    private void awaitCaughtUp() {
        start();
        try {
            if (!caughtUp.await(CATCH_UP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AlertPathException("the alert state on " + Topics.ALERTS + " could not be read within "
                        + CATCH_UP_TIMEOUT + " (is Kafka reachable?)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AlertPathException("interrupted while reading the alert state", e);
        }
    }

    private void follow() {
        Duration backoff = Duration.ofSeconds(1);
        while (!stopping()) {
            try {
                ensureCompactedTopic();
                readForever();
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (stopping()) {
                    return;
                }
                LOG.warnf("reading the alert state from %s failed (%s); trying again in %s", Topics.ALERTS, e, backoff);
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
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "notifier-alert-ledger");
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer = c;
            List<TopicPartition> partitions = c.partitionsFor(Topics.ALERTS, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions, Duration.ofSeconds(30));
            while (!stopping()) {
                for (ConsumerRecord<String, String> record : c.poll(Duration.ofSeconds(1))) {
                    read(record);
                }
                if (caughtUp.getCount() > 0 && end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                    LOG.infof("alert state read from %s: %d open", Topics.ALERTS,
                            alerts.values().stream().filter(AlertChanged::open).count());
                    caughtUp.countDown();
                }
            }
        } finally {
            consumer = null;
        }
    }

    private void read(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            alerts.remove(record.key());
            return;
        }
        try {
            apply(EventJson.read(record.value(), AlertChanged.class));
        } catch (MalformedEventException e) {
            LOG.warnf("%s partition %d offset %d is not an alert and was skipped: %s", record.topic(),
                    record.partition(), record.offset(), e.getMessage());
        }
    }

    /**
     * The topic must be compacted, or the state of an alert open for longer than the retention
     * would be forgotten. Made so if missing; set so if it is not (a warning if that is not allowed).
     */
    private void ensureCompactedTopic() {
        try (Admin admin = Admin.create(kafka)) {
            try {
                admin.createTopics(List.of(new NewTopic(Topics.ALERTS, Optional.empty(), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                        .all().get(30, TimeUnit.SECONDS);
                LOG.infof("created the compacted topic %s", Topics.ALERTS);
                return;
            } catch (ExecutionException e) {
                // without the right to create topics, the operator made it (docs/deployment.md#kafka)
                if (!(e.getCause() instanceof TopicExistsException || e.getCause() instanceof TopicAuthorizationException)) {
                    throw new AlertPathException("cannot create " + Topics.ALERTS + ": " + e.getCause().getMessage(), e);
                }
            }
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.ALERTS);
            String policy;
            try {
                policy = admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic)
                        .get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicAuthorizationException)) {
                    throw e;
                }
                LOG.warnf("may not read the configuration of %s (grant DescribeConfigs on it): make sure it has "
                        + "cleanup.policy=compact, or alerts open longer than its retention are forgotten", Topics.ALERTS);
                return;
            }
            if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                try {
                    admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(new ConfigEntry(
                            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT), AlterConfigOp.OpType.SET))))
                            .all().get(30, TimeUnit.SECONDS);
                    LOG.warnf("%s had cleanup.policy=%s; set it to compact", Topics.ALERTS, policy);
                } catch (ExecutionException e) {
                    LOG.warnf("%s has cleanup.policy=%s and could not be set to compact (%s): alerts open longer than"
                            + " its retention will be forgotten", Topics.ALERTS, policy, e.getCause().getMessage());
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new AlertPathException("cannot check " + Topics.ALERTS + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AlertPathException("interrupted", e);
        }
    }
}
