package org.amyterm.backup.contracts;

/**
 * The names of a backup's dump on the spool, shared by the backup service that writes it and the
 * storage service that reads it: a file whose name is not its backup's is never read or deleted.
 */
public final class SpoolFileNames {
    private static final String COMPLETE_SUFFIX = ".pgcustom.zst";
    private static final String PARTIAL_SUFFIX = ".partial";

    private SpoolFileNames() {
    }

    /** While pg_dump writes it. */
    public static String partial(String backupId) {
        return complete(backupId) + PARTIAL_SUFFIX;
    }

    /** Once the dump succeeded (renamed from {@link #partial}). */
    public static String complete(String backupId) {
        return BackupId.requireValid(backupId) + COMPLETE_SUFFIX;
    }
}
