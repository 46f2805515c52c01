package org.amyterm.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.amyterm.backup.cli.BackupCommand.Outcome;
import org.amyterm.backup.cli.BackupCommand.Until;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.NodeRole;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.contracts.Verification;
import org.junit.jupiter.api.Test;

/** --wait: when a backup has got where the operator asked, and when it never will. */
class BackupCommandTest {
    private static final String ID = BackupId.of(Instant.EPOCH, "k");

    @Test
    void storedIsReachedByEveryBackupThatWasStored() {
        assertThat(BackupCommand.outcome(summary(manifest(), null, null), Until.stored)).isEqualTo(Outcome.REACHED);
        assertThat(BackupCommand.outcome(summary(manifest(), evidence(false), null), Until.stored)).isEqualTo(Outcome.REACHED);
    }

    @Test
    void verifiedWaitsForTheEvidenceAndFailsOnFailedEvidence() {
        assertThat(BackupCommand.outcome(summary(manifest(), null, null), Until.verified)).isEqualTo(Outcome.WAITING);
        assertThat(BackupCommand.outcome(summary(manifest(), evidence(true), null), Until.verified)).isEqualTo(Outcome.REACHED);
        assertThat(BackupCommand.outcome(summary(manifest(), evidence(false), null), Until.verified)).isEqualTo(Outcome.FAILED);
    }

    @Test
    void aStageFailureEndsTheWait() {
        assertThat(BackupCommand.outcome(summary(null, null, failure(Stage.DUMP)), Until.stored)).isEqualTo(Outcome.FAILED);
        assertThat(BackupCommand.outcome(summary(manifest(), null, failure(Stage.VERIFY)), Until.verified))
                .isEqualTo(Outcome.FAILED);
    }

    @Test
    void aFailureStillBeingRetriedDoesNotEndTheWait() {
        // Given a store outage reported while the storage service keeps retrying
        StageFailed retrying = new StageFailed(ID, "amyterm", Stage.STORE, FailureReason.STORE_UNAVAILABLE, "S3 down", true,
                Instant.EPOCH, Instant.EPOCH.plusSeconds(3600));
        // Then waiting goes on, before the backup is stored and after (the outage was ridden out)
        assertThat(BackupCommand.outcome(summary(null, null, retrying), Until.stored)).isEqualTo(Outcome.WAITING);
        assertThat(BackupCommand.outcome(summary(manifest(), null, retrying), Until.verified)).isEqualTo(Outcome.WAITING);
        assertThat(BackupCommand.outcome(summary(manifest(), evidence(true), retrying), Until.verified))
                .isEqualTo(Outcome.REACHED);
        assertThat(BackupCommand.progress(summary(null, null, retrying))).isEqualTo("retrying");
    }

    private static BackupSummary summary(Manifest manifest, Verification verification, StageFailed failure) {
        return new BackupSummary(ID, "amyterm", BackupSummary.stateOf(manifest, verification), manifest, verification, failure);
    }

    private static Manifest manifest() {
        return new Manifest(1, ID, "amyterm", BackupReason.MANUAL, NodeRole.CENTRAL, "15", "pg_dump 15", "1", Map.of(),
                new Manifest.Archive("pg_dump-custom", "zstd", 1, "a"), new Manifest.Encryption("m", "a", "k", null),
                new Manifest.StoredObject("key", 1, "b"), Instant.EPOCH, Instant.EPOCH, Instant.EPOCH);
    }

    private static Verification evidence(boolean passed) {
        return new Verification(1, ID, "amyterm", passed, "s", "pg_restore", Instant.EPOCH, Instant.EPOCH, 1, 1,
                List.of(new CheckResult("row-counts", passed, "")));
    }

    private static StageFailed failure(Stage stage) {
        return StageFailed.of(ID, "amyterm", stage, FailureReason.UNEXPECTED, "boom", Instant.EPOCH);
    }
}
