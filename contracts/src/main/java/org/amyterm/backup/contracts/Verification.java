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
 * (from the start of the test until the application's first smoke check passed; null when none ran),
 * {@code objectSha256} (the sha256 of the stored object that was tested, from its signed manifest:
 * evidence names the very dump it vouches for, so evidence planted before a backup exists never matches).
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
        Long firstSmokeCheckMillis,
        String objectSha256) {

    public static final int FORMAT_VERSION = 1;

    public Verification {
        BackupId.requireValid(backupId);
        Require.text(database, "database");
        checks = checks == null ? List.of() : List.copyOf(checks);
        Require.present(startedAt, "startedAt");
        Require.present(finishedAt, "finishedAt");
    }

    /** Evidence as written before it named the object it tested. */
    public Verification(int formatVersion, String backupId, String database, boolean passed, String stagingDatabase,
            String pgRestoreVersion, Instant startedAt, Instant finishedAt, long restoreMillis, long checkMillis,
            List<CheckResult> checks, String verificationId, VerificationRequested.Trigger trigger, String verifier,
            String verifierVersion, String stagingServerVersion, String rtoTarget, Boolean rtoMet,
            Long firstSmokeCheckMillis) {
        this(formatVersion, backupId, database, passed, stagingDatabase, pgRestoreVersion, startedAt, finishedAt,
                restoreMillis, checkMillis, checks, verificationId, trigger, verifier, verifierVersion,
                stagingServerVersion, rtoTarget, rtoMet, firstSmokeCheckMillis, null);
    }

    /** This evidence, naming {@code objectSha256} as the object it tested. */
    public Verification naming(String objectSha256) {
        return new Verification(formatVersion, backupId, database, passed, stagingDatabase, pgRestoreVersion, startedAt,
                finishedAt, restoreMillis, checkMillis, checks, verificationId, trigger, verifier, verifierVersion,
                stagingServerVersion, rtoTarget, rtoMet, firstSmokeCheckMillis, objectSha256);
    }

    /**
     * Why this evidence does not vouch for the backup in folder {@code database}/{@code backupId}
     * whose signed manifest is {@code manifest}, read from the file {@code fileName}; empty if it does.
     */
    public java.util.Optional<String> bindingProblem(String database, String backupId, String fileName,
            Manifest manifest) {
        if (!database.equals(this.database) || !backupId.equals(this.backupId)) {
            return java.util.Optional.of("the evidence is about backup " + this.backupId + " of " + this.database
                    + ", but lies in the folder of backup " + backupId + " of " + database);
        }
        if (!ObjectLayout.VERIFICATION_FILE.equals(fileName)
                && !fileName.equals("verification." + verificationId + ".json")) {
            return java.util.Optional.of("the evidence of verification " + verificationId + " lies in " + fileName);
        }
        if (manifest == null) {
            return java.util.Optional.of("the backup has no trusted manifest for the evidence to vouch for");
        }
        // evidence signed before it named its object (objectSha256 null) still vouches for its own folder:
        // nobody without the evidence key can make one, and the restore path proves the object anyway
        if (objectSha256 != null && !objectSha256.equalsIgnoreCase(manifest.object().sha256())) {
            return java.util.Optional.of("the evidence tested an object with sha256 " + objectSha256
                    + ", not the one the backup's manifest records");
        }
        return java.util.Optional.empty();
    }

    /** Evidence as written before verifications had their own files and signatures. */
    public Verification(int formatVersion, String backupId, String database, boolean passed, String stagingDatabase,
            String pgRestoreVersion, Instant startedAt, Instant finishedAt, long restoreMillis, long checkMillis,
            List<CheckResult> checks) {
        this(formatVersion, backupId, database, passed, stagingDatabase, pgRestoreVersion, startedAt, finishedAt,
                restoreMillis, checkMillis, checks, null, null, null, null, null, null, null, null, null);
    }
}
