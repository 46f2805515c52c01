package org.amyterm.backup.contracts;

import java.time.Instant;
import java.util.List;

/**
 * {@code verification.json}: the evidence that a backup was restored and checked (procedure
 * section 8). {@code restoreMillis} is the measured RTO: from the first byte downloaded until the
 * staging database was restored.
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
        List<CheckResult> checks) {

    public static final int FORMAT_VERSION = 1;

    public Verification {
        BackupId.requireValid(backupId);
        Require.text(database, "database");
        checks = checks == null ? List.of() : List.copyOf(checks);
        Require.present(startedAt, "startedAt");
        Require.present(finishedAt, "finishedAt");
    }
}
