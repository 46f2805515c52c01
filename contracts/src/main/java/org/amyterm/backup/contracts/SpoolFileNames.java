package org.amyterm.backup.contracts;

/**
 * The names of a backup's dump on the spool, shared by the backup service that writes it and the
 * storage service that reads it: a file whose name is not its backup's is never read or deleted.
 */
public final class SpoolFileNames {
    private static final String COMPLETE_SUFFIX = ".pgcustom.zst";
    private static final String PARTIAL_SUFFIX = ".partial";
    private static final String GLOBALS_SUFFIX = ".globals.sql";
    private static final String KEPT_SUFFIX = ".kept.json";

    private SpoolFileNames() {
    }

    /** While pg_dump writes it. */
    public static String partial(String backupId) {
        return complete(backupId) + PARTIAL_SUFFIX;
    }

    /** The backup's roles and tablespaces, written beside its dump. */
    public static String globals(String backupId) {
        return BackupId.requireValid(backupId) + GLOBALS_SUFFIX;
    }

    /** The backup whose unfinished dump (or globals) a file name is, if it is one. */
    public static java.util.Optional<String> backupIdOfPartial(String fileName) {
        for (String suffix : java.util.List.of(COMPLETE_SUFFIX + PARTIAL_SUFFIX, GLOBALS_SUFFIX + PARTIAL_SUFFIX)) {
            if (fileName != null && fileName.endsWith(suffix)) {
                String id = fileName.substring(0, fileName.length() - suffix.length());
                return BackupId.isValid(id) ? java.util.Optional.of(id) : java.util.Optional.empty();
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Beside a dump the storage service kept after giving up storing it: its BackupCompleted, so it
     * can be stored later as it would have been.
     */
    public static String kept(String backupId) {
        return BackupId.requireValid(backupId) + KEPT_SUFFIX;
    }

    /** The backup a kept-dump record's file name is for, if it is one. */
    public static java.util.Optional<String> backupIdOfKept(String fileName) {
        if (fileName != null && fileName.endsWith(KEPT_SUFFIX)) {
            String id = fileName.substring(0, fileName.length() - KEPT_SUFFIX.length());
            return BackupId.isValid(id) ? java.util.Optional.of(id) : java.util.Optional.empty();
        }
        return java.util.Optional.empty();
    }

    /** Once the dump succeeded (renamed from {@link #partial}). */
    public static String complete(String backupId) {
        return BackupId.requireValid(backupId) + COMPLETE_SUFFIX;
    }
}
