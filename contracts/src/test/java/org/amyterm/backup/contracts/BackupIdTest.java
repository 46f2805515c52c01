package org.amyterm.backup.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class BackupIdTest {

    @Test
    void sameRequestAlwaysNamesTheSameBackup() {
        Instant at = Instant.parse("2026-11-25T13:32:00.123Z");
        assertThat(BackupId.of(at, "k")).isEqualTo(BackupId.of(at, "k")).isEqualTo("20261125T133200Z-" + BackupId.of(at, "k").substring(17));
        assertThat(BackupId.of(at, "k")).isNotEqualTo(BackupId.of(at, "other"));
    }

    @Test
    void idsSortByRequestTimeAndNameTheirDay() {
        String earlier = BackupId.of(Instant.parse("2026-01-31T23:59:59Z"), "zzz");
        String later = BackupId.of(Instant.parse("2026-02-01T00:00:00Z"), "aaa");
        assertThat(earlier).isLessThan(later);
        assertThat(BackupId.day(earlier)).isEqualTo(LocalDate.of(2026, 1, 31));
        assertThat(BackupId.requestedAt(earlier)).isEqualTo(Instant.parse("2026-01-31T23:59:59Z"));
    }

    @Test
    void somethingElseIsNotABackupId() {
        assertThat(BackupId.isValid("../../etc/passwd")).isFalse();
        assertThat(BackupId.isValid("20261399T250000Z-1a2b3c4d")).as("the right shape, no real time").isFalse();
        assertThat(BackupId.isValid("20261231T235959Z-1a2b3c4d")).isTrue();
        assertThatThrownBy(() -> BackupId.requireValid("20261125-1")).hasMessageContaining("not a backup id");
    }
}
