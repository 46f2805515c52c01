package org.amyterm.backup.contracts;

/**
 * One backup as the catalogue sees it in the bucket: its manifest, its evidence, its last failure
 * and, once retention deleted it, the record of that, whichever exist. This is what the catalogue API returns and the CLI shows.
 * Only files that proved themselves count: {@code untrusted} names each file that did not (unsigned,
 * signed by an unknown key, changed, copied from another folder, oversized) and why; such a file is
 * left out of {@code manifest}, {@code verification} and {@code state}. {@code tables} (added) sums up
 * the manifest's row counts (how many tables, how many rows): the catalogue's copy of the manifest
 * leaves out the counts of each table, chunk hashes and the inventory, which only a restore reads
 * (from {@code manifest.json} itself), so its memory does not grow with a database's schema.
 */
public record BackupSummary(
        String backupId,
        String database,
        State state,
        Manifest manifest,
        Verification verification,
        StageFailed failure,
        BackupExpired expired,
        java.util.List<String> untrusted,
        Tables tables,
        java.util.List<RestoreCompleted> restores) {

    public BackupSummary {
        BackupId.requireValid(backupId);
        Require.text(database, "database");
        Require.present(state, "state");
        untrusted = untrusted == null ? java.util.List.of() : java.util.List.copyOf(untrusted);
        restores = restores == null ? java.util.List.of() : java.util.List.copyOf(restores);
    }

    /** A backup nobody restored from (or as read before restores were recorded). */
    public BackupSummary(String backupId, String database, State state, Manifest manifest, Verification verification,
            StageFailed failure, BackupExpired expired, java.util.List<String> untrusted, Tables tables) {
        this(backupId, database, state, manifest, verification, failure, expired, untrusted, tables, null);
    }

    /** How many tables the dump holds and how many rows they had (from the manifest's row counts). */
    public record Tables(int count, long rows) {
        public static Tables of(java.util.Map<String, Long> rowCounts) {
            return new Tables(rowCounts.size(), rowCounts.values().stream().mapToLong(Long::longValue).sum());
        }
    }

    public BackupSummary(String backupId, String database, State state, Manifest manifest, Verification verification,
            StageFailed failure, BackupExpired expired, java.util.List<String> untrusted) {
        this(backupId, database, state, manifest, verification, failure, expired, untrusted,
                manifest == null ? null : Tables.of(manifest.tableRowCounts()));
    }

    public BackupSummary(String backupId, String database, State state, Manifest manifest, Verification verification,
            StageFailed failure, BackupExpired expired) {
        this(backupId, database, state, manifest, verification, failure, expired, null);
    }

    public BackupSummary(String backupId, String database, State state, Manifest manifest, Verification verification,
            StageFailed failure) {
        this(backupId, database, state, manifest, verification, failure, null);
    }

    /** How far a backup got. */
    public enum State {
        /** A stage failed before the backup was stored. */
        FAILED,
        /** Stored and encrypted, not yet restored. */
        STORED,
        /** Restored and checked, and every check passed: a candidate for last known good. */
        VERIFIED,
        /** Restored or attempted, and a check failed. */
        VERIFICATION_FAILED,
        /** Deleted by retention: only the record of its expiry is left. */
        EXPIRED;
    }

    public static State stateOf(Manifest manifest, Verification verification, BackupExpired expired) {
        return manifest == null && expired != null ? State.EXPIRED : stateOf(manifest, verification);
    }

    public static State stateOf(Manifest manifest, Verification verification) {
        if (manifest == null) {
            return State.FAILED;
        }
        if (verification == null) {
            return State.STORED;
        }
        return verification.passed() ? State.VERIFIED : State.VERIFICATION_FAILED;
    }
}
