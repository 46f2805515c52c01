package org.amyterm.backup.console.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.DumpDetails;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.NodeRole;
import org.amyterm.backup.contracts.Verification;
import org.junit.jupiter.api.Test;

/** How a database's verdict is judged: the worst of what a person must know, from its signed facts. */
class DatabaseStateTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void aDatabaseWhoseLastKnownGoodIsOlderThanItsRecordedRpoIsJudgedByIt() {
        BackupSummary old = verified(NOW.minus(Duration.ofHours(30)), 1_000, "PT26H");

        DatabaseState state = DatabaseState.of("db", true, List.of(old), List.of(), NOW);

        assertThat(state.verdict()).isEqualTo(DatabaseState.Verdict.OLDER_THAN_RPO);
        assertThat(state.rpo()).isEqualTo(Duration.ofHours(26));
        assertThat(DatabaseState.of("db", true, List.of(verified(NOW.minus(Duration.ofHours(30)), 1_000, "PT48H")),
                List.of(), NOW).verdict()).isEqualTo(DatabaseState.Verdict.RECOVERABLE);
    }

    @Test
    void aRestoreSlowerThanItsRtoAndOpenAlertsAreToldButRankBelowFailures() throws Exception {
        BackupSummary slow = verified(NOW.minus(Duration.ofHours(2)), 120_000, "PT26H");
        assertThat(DatabaseState.of("db", true, List.of(slow), List.of(), NOW).verdict())
                .isEqualTo(DatabaseState.Verdict.SLOWER_THAN_RTO);
        var alert = new ObjectMapper().readTree("{\"alertId\":\"rpo/db\",\"database\":\"db\"}");
        assertThat(DatabaseState.of("db", true, List.of(slow), List.of(alert), NOW).verdict())
                .isEqualTo(DatabaseState.Verdict.ALERTS_OPEN);
        assertThat(DatabaseState.Verdict.NEWEST_FAILED).isLessThan(DatabaseState.Verdict.ALERTS_OPEN);
    }

    @Test
    void aStoredBackupAwaitingItsFirstTestIsPendingAndNoBackupAtAllIsNotRecoverable() {
        BackupSummary stored = new BackupSummary(id(NOW), "db", BackupSummary.State.STORED, manifest(id(NOW), NOW, "PT26H"),
                null, null);
        assertThat(DatabaseState.of("db", true, List.of(stored), List.of(), NOW).verdict())
                .isEqualTo(DatabaseState.Verdict.WAITING);
        DatabaseState none = DatabaseState.of("db", true, List.of(), List.of(), NOW);
        assertThat(none.verdict()).isEqualTo(DatabaseState.Verdict.NOT_RECOVERABLE);
        assertThat(none.rpo()).isEqualTo(Duration.ofHours(26)); // the product's default, defined once
    }

    private static BackupSummary verified(Instant at, long restoreMillis, String rpo) {
        String id = id(at);
        Manifest manifest = manifest(id, at, rpo);
        Verification evidence = new Verification(Verification.FORMAT_VERSION, id, "db", true, "staging", "pg_restore",
                at.plusSeconds(60), at.plusSeconds(120), restoreMillis, 1_000, List.of(CheckResult.pass("row-counts", "equal")))
                .naming(manifest.object().sha256());
        return new BackupSummary(id, "db", BackupSummary.State.VERIFIED, manifest, evidence, null);
    }

    private static String id(Instant at) {
        return BackupId.of(at, "db" + at);
    }

    private static Manifest manifest(String id, Instant at, String rpo) {
        return new Manifest(Manifest.FORMAT_VERSION, id, "db", BackupReason.SCHEDULED, NodeRole.CENTRAL, "15", "pg_dump 15",
                null, Map.of("public.t", 1L), new Manifest.Archive(Manifest.Archive.PG_DUMP_CUSTOM, "zstd", 10, "a".repeat(64)),
                Manifest.Encryption.publicKey(Manifest.Encryption.AES256_SEIPD_MDC, List.of("F".repeat(40))),
                new Manifest.StoredObject("amyterm/db/x", 10, "b".repeat(64)), at, at.plusSeconds(30), at.plusSeconds(31),
                new DumpDetails("default", List.of(), List.of(), List.of(), "generic", "daily", rpo, "PT1M", null, at, at), null);
    }
}
