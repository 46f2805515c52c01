package org.amyterm.backup.storage.spool;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.util.List;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.messaging.RecordedEvents;
import org.amyterm.backup.storage.upload.StoreResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The spool's free space: one alert when it runs low (below 10 % by default), another only after it recovered. */
@QuarkusTest
@QuarkusTestResource(StoreResource.class)
class SpoolSpaceWatchTest {
    private static final long GIB = 1L << 30;

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    SpoolSpaceWatch watch;

    private RecordedEvents events;

    @BeforeEach
    void clear() {
        events = new RecordedEvents(connector.sink("events"));
        events.clear();
    }

    @Test
    void lowSpaceAlertsOnceUntilItRecovers() {
        // Given a spool with plenty of space: no alert
        watch.check(50 * GIB, 100 * GIB);
        assertThat(lowSpaceAlerts()).isEmpty();

        // When it falls below 10 % free, and stays there for several checks
        watch.check(9 * GIB, 100 * GIB);
        watch.check(8 * GIB, 100 * GIB);
        watch.check(7 * GIB, 100 * GIB);

        // Then one alert says so, for every database, and that it may pass
        assertThat(lowSpaceAlerts()).singleElement().satisfies(alert -> {
            assertThat(alert.database()).isEqualTo("*");
            assertThat(alert.retryable()).isTrue();
            assertThat(alert.message()).contains("less than 10% free", "9 GiB of 100 GiB", "min-free-percent");
        });

        // And after it recovered, a new fall alerts again
        watch.check(40 * GIB, 100 * GIB);
        watch.check(5 * GIB, 100 * GIB);
        assertThat(lowSpaceAlerts()).hasSize(2);
    }

    private List<StageFailed> lowSpaceAlerts() {
        return events.ofType(StageFailed.TYPE).stream().map(m -> EventJson.read(m.getPayload(), StageFailed.class))
                .filter(f -> f.reason() == FailureReason.SPOOL_LOW_SPACE).toList();
    }
}
