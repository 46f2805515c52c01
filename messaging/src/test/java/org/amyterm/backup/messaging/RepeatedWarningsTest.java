package org.amyterm.backup.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class RepeatedWarningsTest {
    private Instant now = Instant.parse("2026-12-06T12:00:00Z");
    private final RepeatedWarnings filter = new RepeatedWarnings(new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    });

    @Test
    void aClientWarningRepeatedEverySecondDuringAnOutageIsLoggedOncePerMinuteWithACount() {
        // Given a broker away for 150 s, and its client warning every second about a node (its port varying)
        List<String> logged = new ArrayList<>();
        for (int second = 0; second < 150; second++) {
            LogRecord record = record(Level.WARNING, "org.apache.kafka.clients.NetworkClient",
                    "[Consumer clientId=c-1] Connection to node -1 (/127.0.0.1:" + (40000 + second)
                            + ") could not be established. Node may not be available.");
            if (filter.isLoggable(record)) {
                logged.add(record.getMessage());
            }
            now = now.plusSeconds(1);
        }

        // Then one line per minute is logged, and each after the first says how many it stands for
        assertThat(logged).hasSize(3);
        assertThat(logged.get(0)).doesNotContain("more like it");
        assertThat(logged.get(1)).endsWith("[and 59 more like it in the last 60 s, not logged]");
        assertThat(logged.get(2)).endsWith("[and 59 more like it in the last 60 s, not logged]");
    }

    @Test
    void otherCausesTheServicesOwnLinesAndLowerLevelsAlwaysPass() {
        // Given a warning that was just logged
        assertThat(filter.isLoggable(record(Level.WARNING, "org.apache.kafka.clients.NetworkClient", "node 1 down")))
                .isTrue();
        assertThat(filter.isLoggable(record(Level.WARNING, "org.apache.kafka.clients.NetworkClient", "node 2 down")))
                .isFalse();

        // Then another cause, another logger, the services' own errors and INFO lines still pass
        assertThat(filter.isLoggable(record(Level.WARNING, "org.apache.kafka.clients.NetworkClient", "broker gone")))
                .isTrue();
        assertThat(filter.isLoggable(record(Level.WARNING, "software.amazon.awssdk.core", "node 1 down"))).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(filter.isLoggable(record(Level.SEVERE, "org.amyterm.backup.messaging.EventPublisher",
                    "store of amyterm failed"))).isTrue();
            assertThat(filter.isLoggable(record(Level.INFO, "org.apache.kafka.clients.NetworkClient", "node 1 down")))
                    .isTrue();
        }
    }

    private static LogRecord record(Level level, String logger, String message) {
        LogRecord record = new LogRecord(level, message);
        record.setLoggerName(logger);
        return record;
    }
}
