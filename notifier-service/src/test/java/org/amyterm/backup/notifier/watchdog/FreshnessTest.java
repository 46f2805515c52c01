package org.amyterm.backup.notifier.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.RestoreVerified;
import org.amyterm.backup.notifier.lifecycle.Conditions;
import org.junit.jupiter.api.Test;

class FreshnessTest {
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Freshness freshness = new Freshness(registry, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void anEventDatedInTheFutureIsRefusedAndSilencesNothing() {
        // Given a backup stored and tested an hour ago
        Instant hourAgo = NOW.minus(Duration.ofHours(1));
        freshness.stored(stored(hourAgo));
        freshness.verified(verified(hourAgo, true));

        // When events dated next year arrive (a failed test and a stored backup)
        Instant nextYear = NOW.plus(Duration.ofDays(365));
        freshness.stored(stored(nextYear));
        freshness.verified(verified(nextYear, false));

        // Then neither becomes the newest: the watchdog still judges by the real ones, and they are counted
        assertThat(freshness.of("amyterm").storedAt).isEqualTo(hourAgo);
        assertThat(freshness.of("amyterm").verifiedAt).isEqualTo(hourAgo);
        assertThat(freshness.of("amyterm").lastPassed).isTrue();
        assertThat(registry.counter("amyterm.notifier.future.timestamps.refused", "database", "amyterm").count())
                .isEqualTo(2);

        // and its twin: an event dated within the clock skew is taken
        Instant soon = NOW.plus(Duration.ofMinutes(1));
        freshness.stored(stored(soon));
        assertThat(freshness.of("amyterm").storedAt).isEqualTo(soon);
    }

    @Test
    void theNewestBackupsAreJudgedNotTheReTestOfAnOldOne() {
        // Given a backup of 10 days ago that passed, and a newer one (2 days ago) that failed
        String old = BackupId.of(NOW.minus(Duration.ofDays(10)), "old");
        String newer = BackupId.of(NOW.minus(Duration.ofDays(2)), "newer");
        freshness.verified(verified(old, NOW.minus(Duration.ofDays(10)), true));
        freshness.verified(verified(newer, NOW.minus(Duration.ofDays(2)), false));

        // When the old one passes its weekly re-test today
        freshness.verified(verified(old, NOW, true));

        // Then the newest verdict is still the failure, and the newest passing backup is still 10 days old
        assertThat(freshness.of("amyterm").lastPassed).isFalse();
        assertThat(freshness.of("amyterm").passedAt).isEqualTo(BackupId.requestedAt(old));

        // and once a newer backup passes, both move to it
        String newest = BackupId.of(NOW.minus(Duration.ofHours(3)), "newest");
        freshness.verified(verified(newest, NOW, true));
        assertThat(freshness.of("amyterm").lastPassed).isTrue();
        assertThat(freshness.of("amyterm").passedAt).isEqualTo(BackupId.requestedAt(newest));
    }

    @Test
    void threeWeeksOfFailingNewBackupsWhileTheOldOnePassesItsWeeklyReTestAreOverdueAndOverTheRpo() {
        // Given the last known good taken three weeks ago, and a clock that follows the simulated days
        Instant start = NOW.minus(Duration.ofDays(21));
        Instant[] now = {start};
        Freshness simulated = new Freshness(registry, new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        });
        String good = BackupId.of(start, "good");
        now[0] = start.plus(Duration.ofHours(1));
        simulated.stored(stored(good, start.plus(Duration.ofMinutes(5))));
        simulated.verified(verified(good, start.plus(Duration.ofMinutes(30)), true));
        Watchdog.Limits limits = new Watchdog.Limits(Duration.ofHours(26), Duration.ofDays(8), Duration.ofHours(4));
        assertThat(Watchdog.failing(simulated.of("amyterm"), limits, start.plus(Duration.ofHours(1)), start)).isEmpty();

        // When every day's new backup is stored and fails its restore test, and the old one passes its weekly re-test
        for (int day = 1; day <= 21; day++) {
            Instant taken = start.plus(Duration.ofDays(day));
            now[0] = taken.plus(Duration.ofHours(2));
            String id = BackupId.of(taken, "day" + day);
            simulated.stored(stored(id, taken.plus(Duration.ofMinutes(5))));
            simulated.verified(verified(id, taken.plus(Duration.ofMinutes(30)), false));
            if (day % 7 == 0) {
                simulated.verified(verified(good, taken.plus(Duration.ofHours(1)), true));
            }
            java.util.Set<String> failing = Watchdog.failing(simulated.of("amyterm"), limits, now[0], start);

            // Then stored backups are always within the RPO, but what passed falls behind it from the second day,
            // and the verification window (8 days) is overdue from the eighth: the re-tests of the old backup move neither
            assertThat(failing).as("day %d", day).doesNotContain(Conditions.RPO_EXCEEDED);
            assertThat(failing.contains(Conditions.VERIFIED_RPO_EXCEEDED)).as("day %d", day).isEqualTo(day >= 2);
            assertThat(failing.contains(Conditions.VERIFICATION_OVERDUE)).as("day %d", day).isEqualTo(day >= 8);
            assertThat(simulated.of("amyterm").lastPassed).as("day %d", day).isFalse();
            assertThat(simulated.of("amyterm").passedAt).isEqualTo(start);
        }

        // and the first new backup that passes clears both
        Instant taken = start.plus(Duration.ofDays(22));
        now[0] = taken.plus(Duration.ofHours(1));
        String fixed = BackupId.of(taken, "fixed");
        simulated.stored(stored(fixed, taken.plus(Duration.ofMinutes(5))));
        simulated.verified(verified(fixed, taken.plus(Duration.ofMinutes(30)), true));
        assertThat(Watchdog.failing(simulated.of("amyterm"), limits, now[0], start)).isEmpty();
    }

    private static BackupStored stored(String id, Instant at) {
        return new BackupStored(id, "amyterm", "bucket", "amyterm/" + id + "/dump", null, "amyterm/" + id + "/manifest.json",
                10, "a".repeat(64), "key", "openpgp", "daily", at.plus(Duration.ofDays(35)), at);
    }

    private static BackupStored stored(Instant at) {
        String id = BackupId.of(at, "k" + at);
        return new BackupStored(id, "amyterm", "bucket", "amyterm/" + id + "/dump", null, "amyterm/" + id + "/manifest.json",
                10, "a".repeat(64), "key", "openpgp", "daily", at.plus(Duration.ofDays(35)), at);
    }

    private static RestoreVerified verified(Instant at, boolean passed) {
        return verified(BackupId.of(at, "v" + at), at, passed);
    }

    private static RestoreVerified verified(String backupId, Instant at, boolean passed) {
        return new RestoreVerified(backupId, "amyterm", passed, 1000, List.of(), "evidence", at, "PT4H");
    }
}
