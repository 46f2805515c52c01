package org.amyterm.backup.notifier.active;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.amyterm.backup.contracts.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Whether this notifier replica is the active one, which alone runs the watchdog and writes the
 * audit trail. The lease is Kafka's group membership: every replica joins the consumer group
 * {@code notifier-active} on {@code backup.notifier.active}, where nothing is ever written, and
 * the one assigned its partition 0 is active. The group coordinator already does what a lease needs
 * (one owner, liveness by heartbeat, fencing by generation) and the services already depend on it;
 * a lease in the bucket would need conditional overwrites that not every S3 endpoint offers. A
 * replica that dies, even by SIGKILL, loses the partition after the session timeout
 * ({@code KAFKA_SESSION_TIMEOUT_MS}, 45 s by default) and another takes over; a clean stop hands it
 * over at once.
 */
@ApplicationScoped
public class ActiveReplica {
    private static final Logger LOG = Logger.getLogger(ActiveReplica.class);
    static final String GROUP = "notifier-active";
    private static final TopicPartition LEASE = new TopicPartition(Topics.NOTIFIER_ACTIVE, 0);
    private static final Duration RETRY = Duration.ofSeconds(5);

    private final Map<String, Object> kafka;
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean active;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread member;

    public ActiveReplica(@Identifier("default-kafka-broker") Map<String, Object> kafka, MeterRegistry registry) {
        this.kafka = kafka;
        Gauge.builder("amyterm.notifier.active", () -> active ? 1 : 0)
                .description("1 while this notifier replica is the active one (watchdog, audit trail), else 0")
                .register(registry);
    }

    public boolean isActive() {
        return active;
    }

    /** Calls {@code listener} with every change (on the membership thread: it must not block). */
    public void onChange(Consumer<Boolean> listener) {
        listeners.add(listener);
        if (active) {
            listener.accept(true);
        }
    }

    synchronized void start(@Observes StartupEvent startup) {
        if (member == null) {
            member = new Thread(this::run, "notifier-active");
            member.setDaemon(true);
            member.start();
        }
    }

    /** Leaves the group, so another replica takes over at once rather than after the session timeout. */
    void stop(@Observes ShutdownEvent shutdown) {
        stopped.countDown();
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread m = member;
        if (m != null) {
            try {
                m.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "notifier-active");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        while (stopped.getCount() > 0) {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(config)) {
                consumer = c;
                c.subscribe(List.of(Topics.NOTIFIER_ACTIVE), new Lease());
                while (stopped.getCount() > 0) {
                    c.poll(Duration.ofMillis(500));
                }
            } catch (WakeupException e) {
                // stopping
            } catch (KafkaException e) {
                LOG.warnf("cannot take part in choosing the active notifier (%s); trying again in %s", e.getMessage(), RETRY);
                become(false);
                await(RETRY);
            } finally {
                consumer = null;
            }
        }
        become(false);
    }

    private void await(Duration wait) {
        try {
            stopped.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Lease implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.contains(LEASE)) {
                become(true);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.contains(LEASE)) {
                become(false);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }
    }

    private synchronized void become(boolean now) {
        if (active == now) {
            return;
        }
        active = now;
        LOG.info(now ? "this notifier replica is now the active one: it runs the watchdog and writes the audit trail"
                : "this notifier replica is no longer the active one");
        for (Consumer<Boolean> listener : listeners) {
            listener.accept(now);
        }
    }
}
