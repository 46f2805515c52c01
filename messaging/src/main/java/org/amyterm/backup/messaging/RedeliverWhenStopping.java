package org.amyterm.backup.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.fault.KafkaFailureHandler;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * The dead-letter strategy, except while the service stops. A record that fails then (its worker
 * pool already shut: "WorkerPoolRegistry is being shut down") says nothing about the record, so it
 * is left unacknowledged, its offset uncommitted, for the partition's next consumer (this service
 * restarted, or another replica) instead of being set aside as a dead letter and alerted.
 * Channels name it as {@code failure-strategy=dead-letter-unless-stopping}; the dead-letter
 * settings ({@code dead-letter-queue.topic}, …) are the dead-letter strategy's own.
 */
@ApplicationScoped
@Identifier(RedeliverWhenStopping.STRATEGY)
public class RedeliverWhenStopping implements KafkaFailureHandler.Factory {
    public static final String STRATEGY = "dead-letter-unless-stopping";
    private static final Logger LOG = Logger.getLogger(RedeliverWhenStopping.class);

    private final KafkaFailureHandler.Factory deadLetters;
    private volatile boolean stopping;

    @Inject
    public RedeliverWhenStopping(@Identifier(KafkaFailureHandler.Strategy.DEAD_LETTER_QUEUE) KafkaFailureHandler.Factory deadLetters) {
        this.deadLetters = deadLetters;
    }

    // before anything else hears of the shutdown: the worker pools are closed after it
    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        stopping = true;
    }

    @Override
    public KafkaFailureHandler create(KafkaConnectorIncomingConfiguration config, Vertx vertx, KafkaConsumer<?, ?> consumer,
            BiConsumer<Throwable, Boolean> reportFailure) {
        return new Handler(config.getChannel(), deadLetters.create(config, vertx, consumer, reportFailure), () -> stopping);
    }

    /** One channel's handler: dead letters while running, redelivery while stopping. */
    static final class Handler implements KafkaFailureHandler {
        private final String channel;
        private final KafkaFailureHandler deadLetters;
        private final BooleanSupplier stopping;

        Handler(String channel, KafkaFailureHandler deadLetters, BooleanSupplier stopping) {
            this.channel = channel;
            this.deadLetters = deadLetters;
            this.stopping = stopping;
        }

        @Override
        public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record, Throwable reason, Metadata metadata) {
            if (stopping.getAsBoolean()) {
                LOG.infof("channel %s: the record at %s-%d offset %d failed while the service stops (%s); it is left "
                        + "for redelivery, not dead-lettered", channel, record.getTopic(), record.getPartition(),
                        record.getOffset(), reason == null ? "no reason given" : reason.getMessage());
                // never acknowledged: the offset stays uncommitted, and the next consumer reads the record again
                return Uni.createFrom().nothing();
            }
            return deadLetters.handle(record, reason, metadata);
        }

        @Override
        public void terminate() {
            deadLetters.terminate();
        }
    }
}
