package org.amyterm.backup.contracts;

import java.time.LocalDate;
import org.amyterm.backup.contracts.audit.AuditCheckpoint;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a backup lives in the bucket: {@code <prefix>/<database>/<yyyy>/<mm>/<dd>/<backupId>/},
 * holding the encrypted dump, {@code manifest.json} with its signature {@code manifest.json.sig}, and
 * once checked {@code verification.json} (the newest verification) and one
 * {@code verification.<verificationId>.json} per verification, each signed by the verifier
 * ({@code .sig} beside it); once retention deleted it, only {@code expired.json};
 * {@code failure.json} records the last stage failure of a backup that did not get that far; one
 * {@code restore.<recordId>.json} per operator restore from it (its RestoreCompleted), signed by the verifier.
 */
public record ObjectLayout(String prefix) {

    /** The encrypted archive: zstd-compressed pg_dump custom format inside OpenPGP. */
    public static final String DUMP_FILE = "dump.pgcustom.zst.gpg";
    /** The server's roles and tablespaces (pg_dumpall --globals-only --no-role-passwords), encrypted like the dump. */
    public static final String GLOBALS_FILE = "globals.sql.gpg";
    public static final String MANIFEST_FILE = "manifest.json";
    /** The storage service's detached OpenPGP signature of {@code manifest.json} ({@code gpg --verify} reads it). */
    public static final String MANIFEST_SIGNATURE_FILE = "manifest.json.sig";
    /** The newest verification's evidence; each verification also keeps its own {@code verification.<id>.json}. */
    public static final String VERIFICATION_FILE = "verification.json";
    /** Suffix of a detached OpenPGP signature beside the file it signs ({@code gpg --verify}). */
    public static final String SIGNATURE_SUFFIX = ".sig";
    public static final String FAILURE_FILE = "failure.json";
    /** What retention leaves of a deleted backup: its BackupExpired, so the catalogue can say it expired and why. */
    public static final String EXPIRED_FILE = "expired.json";

    private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}");

    public ObjectLayout {
        prefix = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
    }

    public static boolean isDatabaseName(String database) {
        return database != null && DATABASE.matcher(database).matches();
    }

    public static String requireDatabaseName(String database) {
        if (!isDatabaseName(database)) {
            throw new IllegalArgumentException("'" + database
                    + "' is not a usable database name (letters, digits, _ . -; at most 63 characters)");
        }
        return database;
    }

    public String databasePrefix(String database) {
        return root() + requireDatabaseName(database) + "/";
    }

    public String backupFolder(String database, String backupId) {
        LocalDate day = BackupId.day(backupId);
        return databasePrefix(database) + String.format("%04d/%02d/%02d/", day.getYear(), day.getMonthValue(),
                day.getDayOfMonth()) + backupId + "/";
    }

    public String dumpKey(String database, String backupId) {
        return backupFolder(database, backupId) + DUMP_FILE;
    }

    public String globalsKey(String database, String backupId) {
        return backupFolder(database, backupId) + GLOBALS_FILE;
    }

    public String manifestKey(String database, String backupId) {
        return backupFolder(database, backupId) + MANIFEST_FILE;
    }

    public String manifestSignatureKey(String database, String backupId) {
        return backupFolder(database, backupId) + MANIFEST_SIGNATURE_FILE;
    }

    public String verificationKey(String database, String backupId) {
        return backupFolder(database, backupId) + VERIFICATION_FILE;
    }

    /**
     * The evidence of one verification, kept when later ones replace {@code verification.json}:
     * {@code verification.<verificationId>.json}.
     */
    public String verificationRecordKey(String database, String backupId, String verificationId) {
        return backupFolder(database, backupId) + "verification." + BackupId.requireValid(verificationId) + ".json";
    }

    /**
     * The record of one operator restore from the backup (its RestoreCompleted):
     * {@code restore.<recordId>.json}, {@code recordId} a backup-id-shaped time and random part.
     */
    public String restoreRecordKey(String database, String backupId, String recordId) {
        return backupFolder(database, backupId) + RESTORE_RECORD_PREFIX + BackupId.requireValid(recordId) + ".json";
    }

    /** Whether a file of a backup's folder is the record of a restore ({@code restore.<recordId>.json}). */
    public static boolean isRestoreRecord(String file) {
        return file.startsWith(RESTORE_RECORD_PREFIX) && file.endsWith(".json")
                && BackupId.isValid(file.substring(RESTORE_RECORD_PREFIX.length(), file.length() - ".json".length()));
    }

    private static final String RESTORE_RECORD_PREFIX = "restore.";

    /** The detached signature beside {@code key}. */
    public static String signatureKey(String key) {
        return key + SIGNATURE_SUFFIX;
    }

    public String expiredKey(String database, String backupId) {
        return backupFolder(database, backupId) + EXPIRED_FILE;
    }

    public String failureKey(String database, String backupId) {
        return backupFolder(database, backupId) + FAILURE_FILE;
    }

    /**
     * Where the notifier keeps the checkpoints of its audit trail {@code trail}: beside the
     * databases, in a folder no database name can take.
     */
    public String auditCheckpointsPrefix(String trail) {
        return root() + ".audit/" + AuditCheckpoint.requireTrailName(trail) + "/checkpoints/";
    }

    /** The checkpoint of the trail's first {@code lines} lines. */
    public String auditCheckpointKey(String trail, long lines) {
        return auditCheckpointsPrefix(trail) + auditCheckpointFileName(lines);
    }

    /** A checkpoint's file name: its line count, zero-padded so names sort as counts do. */
    public static String auditCheckpointFileName(long lines) {
        return String.format("%012d.json", lines);
    }

    /** Everything under the layout; list it to rebuild the catalogue. */
    public String root() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    /** The database, backup id and file name of a key in this layout, or empty for any other key. */
    public Optional<Location> parse(String key) {
        if (key == null || !key.startsWith(root())) {
            return Optional.empty();
        }
        Matcher m = KEY.matcher(key.substring(root().length()));
        if (!m.matches() || !BackupId.isValid(m.group(2))) {
            return Optional.empty();
        }
        return Optional.of(new Location(m.group(1), m.group(2), m.group(3)));
    }

    private static final Pattern KEY = Pattern.compile("([^/]+)/\\d{4}/\\d{2}/\\d{2}/([^/]+)/([^/]+)");

    /** One object of one backup. */
    public record Location(String database, String backupId, String file) {
    }
}
