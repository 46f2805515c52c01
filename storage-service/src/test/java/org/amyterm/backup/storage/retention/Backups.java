package org.amyterm.backup.storage.retention;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.NodeRole;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.contracts.Verification;

/** Backups of one database as the catalogue returns them, made to measure for retention tests. */
final class Backups {
    static final String DATABASE = "amyterm";
    private static final ObjectLayout LAYOUT = new ObjectLayout("amyterm");

    private Backups() {
    }

    static BackupSummary verified(Instant at, BackupReason reason) {
        String id = id(at);
        return new BackupSummary(id, DATABASE, BackupSummary.State.VERIFIED, manifest(id, at, reason),
                verification(id, at, true), null);
    }

    static BackupSummary verificationFailed(Instant at) {
        String id = id(at);
        return new BackupSummary(id, DATABASE, BackupSummary.State.VERIFICATION_FAILED,
                manifest(id, at, BackupReason.SCHEDULED), verification(id, at, false), null);
    }

    static BackupSummary stored(Instant at) {
        String id = id(at);
        return new BackupSummary(id, DATABASE, BackupSummary.State.STORED, manifest(id, at, BackupReason.SCHEDULED),
                null, null);
    }

    static BackupSummary failed(Instant at) {
        String id = id(at);
        return new BackupSummary(id, DATABASE, BackupSummary.State.FAILED, null, null,
                StageFailed.of(id, DATABASE, Stage.DUMP, FailureReason.DUMP_FAILED, "pg_dump died", at));
    }

    static String id(Instant at) {
        return BackupId.of(at, at.toString());
    }

    static Manifest manifest(String id, Instant at, BackupReason reason) {
        return new Manifest(Manifest.FORMAT_VERSION, id, DATABASE, reason, NodeRole.CENTRAL, "15", "pg_dump 15", "2.3.1",
                Map.of("public.concept", 1L), new Manifest.Archive(Manifest.Archive.PG_DUMP_CUSTOM, "zstd", 10, "a".repeat(64)),
                Manifest.Encryption.publicKey(Manifest.Encryption.AES256_SEIPD_MDC, List.of("F".repeat(40))),
                new Manifest.StoredObject(LAYOUT.dumpKey(DATABASE, id), 10, "b".repeat(64)), at, at, at);
    }

    static Verification verification(String id, Instant at, boolean passed) {
        return new Verification(Verification.FORMAT_VERSION, id, DATABASE, passed, "staging", "pg_restore 15", at, at,
                100, 10, List.of(passed ? CheckResult.pass("row-counts", "ok") : CheckResult.fail("row-counts", "differs")));
    }
}
