package org.amyterm.backup.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.fault.KafkaFailureHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.Test;

/** A record that fails while its service stops is read again later, not set aside as a dead letter. */
class RedeliverWhenStoppingTest {
    private final List<Long> deadLettered = new ArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final KafkaFailureHandler handler = new RedeliverWhenStopping.Handler("backup-requests", new KafkaFailureHandler() {
        @Override
        public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record, Throwable reason, Metadata metadata) {
            deadLettered.add(record.getOffset());
            return Uni.createFrom().voidItem();
        }
    }, stopping::get);

    @Test
    void aRecordFailingWhileTheServiceRunsIsDeadLettered() {
        // Given a running service, When a record fails
        Uni<Void> handled = handler.handle(record(41), new IllegalArgumentException("malformed event"), Metadata.empty());

        // Then it goes to the dead-letter topic, and its handling completes (the offset may be committed)
        assertThat(outcome(handled)).isEqualTo("completed");
        assertThat(deadLettered).containsExactly(41L);
    }

    @Test
    void aRecordFailingWhileTheServiceStopsIsLeftForRedelivery() {
        // Given a service that has begun to stop
        stopping.set(true);

        // When a record fails because its worker pool is shut
        Uni<Void> handled = handler.handle(record(42), new IllegalStateException("WorkerPoolRegistry is being shut down"),
                Metadata.empty());

        // Then it is not dead-lettered, and its handling never completes: its offset is never committed
        assertThat(deadLettered).isEmpty();
        assertThat(outcome(handled)).as("a handling that completes would let the offset be committed")
                .isEqualTo("pending");
    }

    private static String outcome(Uni<Void> handled) {
        return handled.onItem().transform(v -> "completed").onFailure().recoverWithItem("failed")
                .ifNoItem().after(Duration.ofMillis(500)).recoverWithItem("pending")
                .await().atMost(Duration.ofSeconds(5));
    }

    private static IncomingKafkaRecord<String, String> record(long offset) {
        return new IncomingKafkaRecord<>(new ConsumerRecord<>("backup.requested", 0, offset, "amyterm", "{}"),
                "backup-requests", -1, null, null, false, false);
    }
}
