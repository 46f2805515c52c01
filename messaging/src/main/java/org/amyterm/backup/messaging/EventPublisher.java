package org.amyterm.backup.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.amyterm.backup.contracts.BackupEvent;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.contracts.StageFailed;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes events on the service's {@code events} channel and waits until the broker has them,
 * so a caller only deletes or moves on once the next stage can see its work. It waits as long as
 * the producer may take ({@code max.block.ms} plus {@code delivery.timeout.ms}, and a margin): a
 * broker outage shorter than that delays the work, and never fails it while the event is still
 * on its way (which would dead-letter a request whose events then arrive).
 */
@ApplicationScoped
public class EventPublisher {
    private static final Logger LOG = Logger.getLogger(EventPublisher.class);
    private static final Duration ACK_MARGIN = Duration.ofSeconds(30);

    private final Emitter<String> emitter;
    private final URI source;
    private final PipelineMetrics metrics;
    private final Duration ackTimeout;

    public EventPublisher(@Channel("events") Emitter<String> emitter,
            @ConfigProperty(name = "quarkus.application.name") String applicationName, PipelineMetrics metrics,
            @ConfigProperty(name = "mp.messaging.outgoing.events.max.block.ms", defaultValue = "60000") long maxBlockMs,
            @ConfigProperty(name = "mp.messaging.outgoing.events.delivery.timeout.ms", defaultValue = "120000")
            long deliveryTimeoutMs) {
        this.emitter = emitter;
        this.ackTimeout = Duration.ofMillis(maxBlockMs + deliveryTimeoutMs).plus(ACK_MARGIN);
        this.source = URI.create("urn:amyterm-backup:" + applicationName);
        this.metrics = metrics;
    }

    public void publish(BackupEvent event) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Message<String> message = CloudEventMessages.of(event, source)
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        emitter.send(message);
        try {
            acked.get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
            metrics.record(event);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka did not accept " + event.cloudEventType() + " for "
                    + event.database() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge " + event.cloudEventType() + " within "
                    + ackTimeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + event.cloudEventType(), e);
        }
    }

    /** The one place a stage failure becomes a StageFailed event (and a log line without secrets). */
    public StageFailed publishFailure(StageException failure) {
        StageFailed event = failure.toEvent(Instant.now());
        LOG.errorf("%s of %s (backup %s) failed [%s]: %s", event.stage().code(), event.database(),
                event.backupId(), event.reason().code(), event.message());
        publish(event);
        return event;
    }
}
