package org.amyterm.backup.contracts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A backup's identity: {@code 20261125T133200Z-1a2b3c4d}, the UTC request time and a hash of the
 * request's idempotency key. It sorts by time, names the day folder of the object-store layout, and
 * the same request always gets the same id, so a redelivered request never makes a second backup.
 */
public final class BackupId {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern SHAPE = Pattern.compile("\\d{8}T\\d{6}Z-[0-9a-f]{8}");

    private BackupId() {
    }

    public static String of(Instant requestedAt, String idempotencyKey) {
        return STAMP.format(requestedAt.truncatedTo(ChronoUnit.SECONDS)) + "-" + shortHash(idempotencyKey);
    }

    /** Of the id's shape and naming a real time (not 20261399T250000Z). */
    public static boolean isValid(String backupId) {
        if (backupId == null || !SHAPE.matcher(backupId).matches()) {
            return false;
        }
        try {
            STAMP.parse(backupId.substring(0, 16));
            return true;
        } catch (java.time.DateTimeException e) {
            return false;
        }
    }

    public static String requireValid(String backupId) {
        if (!isValid(backupId)) {
            throw new IllegalArgumentException("'" + backupId + "' is not a backup id (expected e.g. 20261125T133200Z-1a2b3c4d)");
        }
        return backupId;
    }

    /** When the backup was requested, to the second, as its id says. */
    public static Instant requestedAt(String backupId) {
        return Instant.from(STAMP.parse(requireValid(backupId).substring(0, 16)));
    }

    /** The UTC day the backup was requested on; it names the backup's folder. */
    public static LocalDate day(String backupId) {
        requireValid(backupId);
        return LocalDate.of(Integer.parseInt(backupId.substring(0, 4)),
                Integer.parseInt(backupId.substring(4, 6)), Integer.parseInt(backupId.substring(6, 8)));
    }

    private static String shortHash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
