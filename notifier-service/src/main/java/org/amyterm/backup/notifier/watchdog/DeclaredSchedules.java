package org.amyterm.backup.notifier.watchdog;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.MalformedEventException;
import org.amyterm.backup.contracts.ScheduleDeclared;
import org.amyterm.backup.contracts.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * What the backup services say they are configured to back up: the newest ScheduleDeclared of
 * each service, read by every replica from the compacted {@code backup.schedules} (from its
 * beginning, then following it), so whichever replica is active knows it. A tombstone (null value)
 * withdraws a service's declaration. Until a declaration has been read, nothing is known: the
 * watchdog then judges every database by its RPO alone.
 */
@ApplicationScoped
public class DeclaredSchedules {
    private static final Logger LOG = Logger.getLogger(DeclaredSchedules.class);
    private static final Duration RETRY = Duration.ofSeconds(5);

    private final Map<String, Object> kafka;
    private final Map<String, ScheduleDeclared> declarations = new ConcurrentHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile KafkaConsumer<String, String> consumer;

    public DeclaredSchedules(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.kafka = kafka;
    }

    /** The databases some backup service declared; empty if no service has declared any yet. */
    public Optional<Set<String>> declared() {
        if (declarations.isEmpty()) {
            return Optional.empty();
        }
        Set<String> databases = new TreeSet<>();
        declarations.values().forEach(d -> databases.addAll(d.databases()));
        return Optional.of(databases);
    }

    /** Who declared what, for an alert's text: {@code service at time}. */
    String declaredBy() {
        return declarations.values().stream().map(d -> d.service() + " at " + d.declaredAt()).sorted()
                .reduce((a, b) -> a + ", " + b).orElse("nobody");
    }

    void start(@Observes StartupEvent startup) {
        Thread follower = new Thread(this::follow, "declared-schedules");
        follower.setDaemon(true);
        follower.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        stopped.countDown();
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private void follow() {
        Map<String, Object> config = new HashMap<>(kafka);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned, not a group member: every replica reads all
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "notifier-declared-schedules");
        while (stopped.getCount() > 0) {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
                consumer = c;
                List<TopicPartition> partitions = c.partitionsFor(Topics.SCHEDULES, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                if (partitions.isEmpty()) {
                    pause(); // no backup service declared anything yet (the topic is made by its first declaration)
                    continue;
                }
                c.assign(partitions);
                c.seekToBeginning(partitions);
                while (stopped.getCount() > 0) {
                    for (ConsumerRecord<String, String> record : c.poll(Duration.ofSeconds(1))) {
                        read(record);
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (KafkaException e) {
                LOG.warnf("cannot read %s (which databases are backed up) now, trying again in %s: %s", Topics.SCHEDULES,
                        RETRY, e.getMessage());
                pause();
            } finally {
                consumer = null;
            }
        }
    }

    void read(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            declarations.remove(record.key() == null ? "" : record.key());
            return;
        }
        try {
            ScheduleDeclared declared = EventJson.read(record.value(), ScheduleDeclared.class);
            declarations.merge(declared.service(), declared,
                    (old, next) -> next.declaredAt().isBefore(old.declaredAt()) ? old : next);
        } catch (MalformedEventException e) {
            LOG.warnf("%s partition %d offset %d is not a schedule declaration and was skipped: %s", record.topic(),
                    record.partition(), record.offset(), e.getMessage());
        }
    }

    private void pause() {
        try {
            stopped.await(RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
