package org.amyterm.backup.contracts;

import java.time.Instant;
import java.util.List;

/**
 * {@code verification.json}: the evidence that a backup was restored and checked (procedure
 * section 8). {@code restoreMillis} is the measured RTO: from the first byte downloaded until the
 * staging database was restored; {@code rtoTarget} the database's objective (ISO-8601, from the
 * manifest; null if it records none) and {@code rtoMet} whether the restore stayed within it.
 * Added fields (null in evidence written before them): {@code verificationId} (this verification's
 * own file is {@code verification.<verificationId>.json}), {@code trigger}, {@code verifier} (which
 * instance), {@code verifierVersion}, {@code stagingServerVersion}, {@code firstSmokeCheckMillis}
 * (from the start of the test until the application's first smoke check passed; null when none ran).
 */
public record Verification(
        int formatVersion,
        String backupId,
        String database,
        boolean passed,
        String stagingDatabase,
        String pgRestoreVersion,
        Instant startedAt,
        Instant finishedAt,
        long restoreMillis,
        long checkMillis,
        List<CheckResult> checks,
        String verificationId,
        VerificationRequested.Trigger trigger,
        String verifier,
        String verifierVersion,
        String stagingServerVersion,
        String rtoTarget,
        Boolean rtoMet,
        Long firstSmokeCheckMillis) {

    public static final int FORMAT_VERSION = 1;

    public Verification {
        BackupId.requireValid(backupId);
        Require.text(database, "database");
        checks = checks == null ? List.of() : List.copyOf(checks);
        Require.present(startedAt, "startedAt");
        Require.present(finishedAt, "finishedAt");
    }

    /** Evidence as written before verifications had their own files and signatures. */
    public Verification(int formatVersion, String backupId, String database, boolean passed, String stagingDatabase,
            String pgRestoreVersion, Instant startedAt, Instant finishedAt, long restoreMillis, long checkMillis,
            List<CheckResult> checks) {
        this(formatVersion, backupId, database, passed, stagingDatabase, pgRestoreVersion, startedAt, finishedAt,
                restoreMillis, checkMillis, checks, null, null, null, null, null, null, null, null);
    }
}
