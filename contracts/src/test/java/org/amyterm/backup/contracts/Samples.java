package org.amyterm.backup.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One valid instance of every event, as a producer would write it. */
final class Samples {
    static final Instant T = Instant.parse("2026-11-25T13:32:00Z");
    static final String ID = BackupId.of(T, "key-1");

    private Samples() {
    }

    static List<BackupEvent> everyEvent() {
        List<CheckResult> checks = List.of(CheckResult.pass("row-counts", "10 tables"), CheckResult.fail("atc", "no row"));
        return List.of(
                BackupRequested.of("amyterm", BackupReason.PRE_FEDERATION_RELEASE, "ops@cli", "key-1", T),
                new BackupStarted(ID, "amyterm", BackupReason.SCHEDULED, "/spool/" + ID + ".pgcustom.zst.partial", "zstd", T),
                new BackupCompleted(ID, "amyterm", BackupReason.SCHEDULED, NodeRole.REGIONAL, "/spool/" + ID + ".pgcustom.zst",
                        1000, "a".repeat(64), 400, "b".repeat(64), "zstd", "15.18", "pg_dump (PostgreSQL) 15.18", "2.3.1",
                        Map.of("public.concept", 42L, "public.atc_code", 7L), T, T.plusSeconds(9)),
                new BackupStored(ID, "amyterm", "bucket", "amyterm/amyterm/2026/11/25/" + ID + "/dump.pgcustom.zst.gpg", null,
                        "amyterm/amyterm/2026/11/25/" + ID + "/manifest.json", 500, "c".repeat(64), "ABCDEF", "AES-256",
                        "daily", T.plusSeconds(86400), T),
                new RestoreVerified(ID, "amyterm", false, 1234, checks, "k/verification.json", T),
                new RestoreCompleted(ID, "amyterm", "amterm_db", NodeRole.CENTRAL, "ops", 999, checks, T),
                StageFailed.of(ID, "amyterm", Stage.DUMP, FailureReason.SOURCE_UNREACHABLE, "server down", T),
                new BackupExpired(ID, "amyterm", List.of("a", "b"), "older than 90 days", T, "age:daily:90d"));
    }
}
