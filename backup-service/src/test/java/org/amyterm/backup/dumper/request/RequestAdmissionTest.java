package org.amyterm.backup.dumper.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.StageException;
import org.junit.jupiter.api.Test;

/** Which requests read off the topic may run against production. */
class RequestAdmissionTest {
    private static final Instant NOW = Instant.parse("2026-11-28T09:00:00Z");
    private final RequestAdmission admission = new RequestAdmission(List.of("amyterm", "regional_1"), Duration.ofHours(1));

    @Test
    void aConfiguredDatabaseRequestedWithinTheStaleAgeRuns() {
        admission.check(request("amyterm", NOW.minus(Duration.ofMinutes(59))), NOW);
        admission.check(request("regional_1", NOW.plus(Duration.ofMinutes(4))), NOW);
    }

    @Test
    void aRequestOlderThanTheStaleAgeIsRefusedAsStale() {
        assertThatThrownBy(() -> admission.check(request("amyterm", NOW.minus(Duration.ofMinutes(61))), NOW))
                .isInstanceOfSatisfying(StageException.class, e -> {
                    assertThat(e.reason()).isEqualTo(FailureReason.REQUEST_STALE);
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.database()).isEqualTo("amyterm");
                    assertThat(e.getMessage()).contains("61 min", "amyterm.backup.requests.stale-after");
                });
    }

    @Test
    void aRequestDatedAheadOfTheClockIsRefusedNamingTheClocks() {
        assertThatThrownBy(() -> admission.check(request("amyterm", NOW.plus(Duration.ofHours(3))), NOW))
                .isInstanceOfSatisfying(StageException.class, e -> {
                    assertThat(e.reason()).isEqualTo(FailureReason.REQUEST_STALE);
                    assertThat(e.getMessage()).contains("ahead of this service's clock");
                });
    }

    @Test
    void anUnconfiguredDatabaseIsRefusedNamingTheConfiguredOnes() {
        assertThatThrownBy(() -> admission.check(request("payroll", NOW), NOW))
                .isInstanceOfSatisfying(StageException.class, e -> {
                    assertThat(e.reason()).isEqualTo(FailureReason.REQUEST_REFUSED);
                    assertThat(e.database()).isEqualTo("payroll");
                    assertThat(e.getMessage()).contains("amyterm, regional_1", "nothing was dumped");
                });
    }

    @Test
    void aConnectionStringForADatabaseNameIsRefusedAndQuotedHarmlessly() {
        String hostile = "dbname=amyterm host=10.0.0.9 password='x'\n" + "y".repeat(200);
        assertThatThrownBy(() -> admission.check(request(hostile, NOW), NOW))
                .isInstanceOfSatisfying(StageException.class, e -> {
                    assertThat(e.reason()).isEqualTo(FailureReason.REQUEST_REFUSED);
                    assertThat(e.database()).isEqualTo(RequestAdmission.UNUSABLE_NAME);
                    assertThat(e.getMessage()).contains("'dbname=amyterm host=10.0.0.9 password=\\u0027x\\u0027\\u000a")
                            .contains("...'").doesNotContain("\n").hasSizeLessThan(250);
                });
        assertThatThrownBy(() -> admission.check(request("postgresql://evil@10.0.0.9/amyterm", NOW), NOW))
                .isInstanceOfSatisfying(StageException.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.REQUEST_REFUSED));
    }

    private static BackupRequested request(String database, Instant at) {
        return BackupRequested.of(database, BackupReason.MANUAL, "test", "key-" + database.hashCode(), at);
    }
}
