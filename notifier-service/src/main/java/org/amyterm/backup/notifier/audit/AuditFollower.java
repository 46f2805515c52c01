package org.amyterm.backup.notifier.audit;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.amyterm.backup.notifier.active.ActiveReplica;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads every {@code backup.*} topic (not the dead-letter topics) into the audit trail, on the
 * active notifier replica only, in the consumer group {@code notifier-audit}: a record's offset is
 * committed only after its line is on disk. A replica that stops being active stops reading and
 * lets go of the file; the one taking over goes on from the committed offsets. A trail that cannot
 * be written is retried (backing off to 30 s) and reported by readiness meanwhile.
 */
@ApplicationScoped
public class AuditFollower {
    private static final Logger LOG = Logger.getLogger(AuditFollower.class);
    static final String GROUP = "notifier-audit";
    private static final Pattern TOPICS = Pattern.compile("backup\\.[a-z-]+");
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final Map<String, Object> kafka;
    private final AuditTrail trail;
    private final ActiveReplica replica;
    private volatile boolean following;
    private volatile KafkaConsumer<String, String> consumer;
    private volatile Thread follower;
    private volatile String failure;

    public AuditFollower(@Identifier("default-kafka-broker") Map<String, Object> kafka, AuditTrail trail,
            ActiveReplica replica) {
        this.kafka = kafka;
        this.trail = trail;
        this.replica = replica;
    }

    void start(@Observes StartupEvent startup) {
        if (trail.isEnabled()) {
            replica.onChange(this::activeChanged);
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        activeChanged(false);
        Thread f = follower;
        if (f != null) {
            try {
                f.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Why the trail cannot be written now, if it cannot (readiness says so). */
    String failure() {
        return failure;
    }

    private synchronized void activeChanged(boolean active) {
        if (active && !following) {
            following = true;
            Thread f = new Thread(this::follow, "audit-follower");
            f.setDaemon(true);
            follower = f;
            f.start();
        } else if (!active && following) {
            following = false;
            notifyAll(); // a backoff under way ends now
            KafkaConsumer<String, String> c = consumer;
            if (c != null) {
                c.wakeup();
            }
        }
    }

    private void follow() {
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "notifier-audit");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // a new backup.* topic is read within half a minute
        config.putIfAbsent(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "30000");
        Duration backoff = Duration.ofSeconds(1);
        while (following) {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(config)) {
                consumer = c;
                if (!following) {
                    break; // the wake-up may have come before the consumer existed
                }
                trail.open();
                c.subscribe(TOPICS);
                while (following) {
                    write(c, c.poll(Duration.ofMillis(500)));
                    failure = null;
                    backoff = Duration.ofSeconds(1);
                }
            } catch (WakeupException e) {
                // no longer active, or stopping
            } catch (IOException | KafkaException e) {
                failure = e.getMessage();
                LOG.errorf("the audit trail is not being written (trying again in %s): %s", backoff, e.getMessage());
                pause(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            } finally {
                consumer = null;
                trail.release();
            }
        }
    }

    /** Each partition's records in order, its offset committed once they are on disk. */
    private void write(KafkaConsumer<String, String> c, ConsumerRecords<String, String> records) throws IOException {
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, String>> batch = records.records(partition);
            for (ConsumerRecord<String, String> record : batch) {
                trail.write(record);
            }
            c.commitSync(Map.of(partition, new OffsetAndMetadata(batch.get(batch.size() - 1).offset() + 1)));
        }
    }

    /** Waits out a backoff, cut short when this replica stops being active (or stops). */
    private synchronized void pause(Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        try {
            for (long left = wait.toMillis(); following && left > 0; left = (until - System.nanoTime()) / 1_000_000) {
                wait(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
