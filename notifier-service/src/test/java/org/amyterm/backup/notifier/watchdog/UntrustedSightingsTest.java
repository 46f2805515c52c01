package org.amyterm.backup.notifier.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.amyterm.backup.contracts.BackupSummary;
import org.junit.jupiter.api.Test;

class UntrustedSightingsTest {
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    private final UntrustedSightings sightings = new UntrustedSightings(Duration.ofMinutes(2));

    @Test
    void aFileProvedBeforeTheSettlePeriodEndsIsNeverSettled() {
        // Given a folder seen with its manifest but not yet its signature
        assertThat(sightings.settled("db", List.of(folder("20261207T095900Z-1a2b3c4d", "manifest.json: has no signature")), T0))
                .isEmpty();
        assertThat(sightings.suspect("db")).isTrue();
        assertThat(sightings.files("db")).isEqualTo(1);
        // When a minute later it proves itself, Then nothing is settled and nothing is remembered
        assertThat(sightings.settled("db", List.of(folder("20261207T095900Z-1a2b3c4d")), T0.plusSeconds(60))).isEmpty();
        assertThat(sightings.suspect("db")).isFalse();
        assertThat(sightings.files("db")).isZero();
        // and seen unproved again later, its settle period starts anew
        assertThat(sightings.settled("db", List.of(folder("20261207T095900Z-1a2b3c4d", "manifest.json: has no signature")),
                T0.plusSeconds(150))).isEmpty();
    }

    @Test
    void aFileStillUnprovedAfterTheSettlePeriodIsSettledWithItsFolder() {
        // Given two folders unproved, the second first seen a minute after the first
        sightings.settled("db", List.of(folder("20261207T090000Z-1a2b3c4d", "manifest.json: has no signature")), T0);
        sightings.settled("db", List.of(folder("20261207T090000Z-1a2b3c4d", "manifest.json: has no signature"),
                folder("20261207T093000Z-1a2b3c4d", "failure.json: signed by an unknown key")), T0.plusSeconds(60));
        // When the first has been unproved for the settle period, Then only it is settled, with why
        assertThat(sightings.settled("db", List.of(folder("20261207T090000Z-1a2b3c4d", "manifest.json: has no signature"),
                folder("20261207T093000Z-1a2b3c4d", "failure.json: signed by an unknown key")), T0.plusSeconds(120)))
                .containsOnlyKeys("20261207T090000Z-1a2b3c4d")
                .containsEntry("20261207T090000Z-1a2b3c4d", List.of("manifest.json: has no signature"));
        // and a minute on both are, newest folder first
        assertThat(sightings.settled("db", List.of(folder("20261207T090000Z-1a2b3c4d", "manifest.json: has no signature"),
                folder("20261207T093000Z-1a2b3c4d", "failure.json: signed by an unknown key")), T0.plusSeconds(180)).keySet())
                .containsExactly("20261207T093000Z-1a2b3c4d", "20261207T090000Z-1a2b3c4d");
        assertThat(sightings.files("db")).isEqualTo(2);
        assertThat(sightings.suspect("other")).isFalse();
    }

    private static BackupSummary folder(String backupId, String... untrusted) {
        return new BackupSummary(backupId, "db", BackupSummary.State.STORED, null, null, null, null, List.of(untrusted),
                null, List.of());
    }
}
