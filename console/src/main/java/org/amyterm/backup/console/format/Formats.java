package org.amyterm.backup.console.format;

import io.quarkus.qute.TemplateExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.amyterm.backup.contracts.BackupSummary;

/** How the pages write times, durations, sizes and states: for people, in UTC, never ambiguous. */
@TemplateExtension
public final class Formats {
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Formats() {
    }

    /** {@code 2026-12-07 04:30:12 UTC}. */
    public static String utc(Instant instant) {
        return instant == null ? "—" : UTC.format(instant);
    }

    /** The ISO form, for a machine-readable {@code <time datetime>}. */
    public static String iso(Instant instant) {
        return instant == null ? "" : instant.toString();
    }

    /** {@code 1 d 3 h}, {@code 3 h 12 min}, {@code 4 min 5 s}, {@code 1.4 s}. */
    public static String human(Duration duration) {
        if (duration == null) {
            return "—";
        }
        long seconds = duration.getSeconds();
        if (seconds < 0) {
            return "in the future";
        }
        if (seconds < 10) {
            return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
        }
        if (seconds < 3600) {
            return seconds >= 60 ? seconds / 60 + " min " + seconds % 60 + " s" : seconds + " s";
        }
        if (seconds < 86_400) {
            return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
        }
        return seconds / 86_400 + " d " + seconds % 86_400 / 3600 + " h";
    }

    /** A duration in milliseconds, for people. */
    public static String millis(long millis) {
        return human(Duration.ofMillis(millis));
    }

    /** {@code 689 MB}, {@code 12.4 kB}: decimal units, as the benchmarks report. */
    public static String size(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
    }

    /** A backup's state in words. */
    public static String label(BackupSummary.State state) {
        return switch (state) {
            case FAILED -> "failed before it was stored";
            case STORED -> "stored, restore test pending";
            case VERIFIED -> "verified (restore test passed)";
            case VERIFICATION_FAILED -> "restore test failed";
            case EXPIRED -> "expired (deleted by retention)";
        };
    }
}
