package org.amyterm.backup.notifier.delivery;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.MalformedEventException;
import org.amyterm.backup.contracts.Topics;
import org.amyterm.backup.messaging.CompactedTopicFollower;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Each channel's last delivery, whichever replica made it: written to the compacted topic
 * {@code backup.alert-deliveries} (key = the channel) and read back from it by every replica, so
 * {@code GET /alerts/deliveries} tells the same on each and a restart forgets nothing. A record
 * never replaces a later one of the same channel.
 */
@ApplicationScoped
public class DeliveryLedger {
    private static final Logger LOG = Logger.getLogger(DeliveryLedger.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, ChannelDeliveries.ChannelState> latest = new ConcurrentHashMap<>();
    private final CompactedTopicFollower follower;
    private final Map<String, Object> kafka;
    private volatile KafkaProducer<String, String> producer;

    public DeliveryLedger(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.kafka = kafka;
        this.follower = new CompactedTopicFollower(kafka, Topics.ALERT_DELIVERIES, "notifier-delivery-ledger",
                "each channel's last delivery is forgotten after the topic's retention", this::read);
    }

    void start(@Observes StartupEvent startup) {
        follower.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        follower.stop();
        KafkaProducer<String, String> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(5));
        }
    }

    /** The channel's last delivery as far as read (never waits: a page must not hang on Kafka). */
    Optional<ChannelDeliveries.ChannelState> latest(String channel) {
        return Optional.ofNullable(latest.get(channel));
    }

    /**
     * Records {@code state} here at once and for the other replicas on the topic, waiting at most
     * {@link #SEND_TIMEOUT}: the delivery itself has happened, so a broker away costs only the others'
     * view of it (logged).
     */
    void record(ChannelDeliveries.ChannelState state) {
        merge(state);
        try {
            producer().send(new ProducerRecord<>(Topics.ALERT_DELIVERIES, state.channel(), EventJson.write(state)))
                    .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("%s: could not record its last delivery on %s (%s); other replicas show an older one",
                    state.channel(), Topics.ALERT_DELIVERIES, e.toString());
        }
    }

    private void read(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            return;
        }
        try {
            merge(EventJson.read(record.value(), ChannelDeliveries.ChannelState.class));
        } catch (MalformedEventException e) {
            LOG.warnf("%s partition %d offset %d is not a channel's delivery and was skipped: %s", record.topic(),
                    record.partition(), record.offset(), e.getMessage());
        }
    }

    private void merge(ChannelDeliveries.ChannelState state) {
        if (state.channel() == null || state.at() == null) {
            return;
        }
        latest.merge(state.channel(), state, (old, next) -> old.at() != null && next.at().isBefore(old.at()) ? old : next);
    }

    private synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Map<String, Object> config = new HashMap<>(kafka);
            config.put(ProducerConfig.CLIENT_ID_CONFIG, "notifier-delivery-ledger");
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
            // delivery.timeout.ms must cover linger.ms + request.timeout.ms
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis() / 2);
            producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        }
        return producer;
    }
}
