package org.amyterm.backup.storage.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.storage.config.StorageConfig;

/**
 * What retention keeps and deletes of one database's backups, and why: a pure decision over the
 * catalogue and a clock. Safety comes first, in this order: nothing goes while the newest backup
 * is failing (a run of failures must never age out every good backup); the last known good and a
 * backup still waiting for its restore test are never deleted; the newest {@code keep-at-least}
 * verified ones and, with GFS, the newest of each recent day, week and month stay. Only then does
 * age decide, per retention class.
 */
public final class RetentionPolicy {
    private final StorageConfig.Retention config;

    public RetentionPolicy(StorageConfig.Retention config) {
        this.config = config;
    }

    /** A backup and what happens to it. {@code rule} is a stable code; {@code why} is for people. */
    public record Decision(BackupSummary backup, boolean delete, String rule, String why) {
        /**
         * Whether it is kept by a rule other than its age, and so may outlive the Object Lock it
         * got when stored (its retention class's days): its lock must be extended while it is kept.
         * An untrusted folder is not: nothing in it is vouched for.
         */
        public boolean keptBeyondItsClass() {
            return !delete && !rule.equals("keep:age") && !rule.equals("keep:untrusted");
        }
    }

    /**
     * Decides for every backup of one database ({@code all} newest first, as the catalogue lists
     * them); those already expired are not decided again.
     */
    public List<Decision> decide(List<BackupSummary> all, Instant now) {
        List<BackupSummary> backups = all.stream().filter(b -> b.state() != BackupSummary.State.EXPIRED).toList();
        List<Decision> decisions = new ArrayList<>();
        if (backups.isEmpty()) {
            return decisions;
        }
        // A folder holding a file that did not prove itself (anyone may write to the bucket) neither
        // holds retention as "the newest failing" nor is ever deleted for its age: a person looks.
        // Nor does a folder dated in the future (a planted failure.json with a far-future backup id would
        // otherwise hold every backup for ever); a day covers any clock skew between replicas.
        Instant latest = now.plus(1, ChronoUnit.DAYS);
        BackupSummary newest = backups.stream().filter(b -> b.untrusted().isEmpty())
                .filter(b -> !BackupId.day(b.backupId()).atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(latest))
                .findFirst().orElse(null);
        boolean failing = newest != null && (newest.state() == BackupSummary.State.FAILED
                || newest.state() == BackupSummary.State.VERIFICATION_FAILED);
        List<BackupSummary> verified = backups.stream().filter(b -> b.state() == BackupSummary.State.VERIFIED).toList();
        BackupSummary lastKnownGood = verified.isEmpty() ? null : verified.get(0);
        Set<BackupSummary> newestVerified = identitySet(verified.subList(0, Math.min(config.keepAtLeast(), verified.size())));
        Map<BackupSummary, String> gfs = config.gfs().enabled() ? gfs(verified, now) : Map.of();
        for (BackupSummary backup : backups) {
            decisions.add(decide(backup, now, failing, backup == lastKnownGood, newestVerified.contains(backup),
                    gfs.get(backup)));
        }
        return decisions;
    }

    private Decision decide(BackupSummary backup, Instant now, boolean failing, boolean lastKnownGood,
            boolean newestVerified, String gfsPeriod) {
        if (!backup.untrusted().isEmpty()) {
            return keep(backup, "keep:untrusted", "files in its folder did not prove themselves: "
                    + String.join("; ", backup.untrusted()));
        }
        if (failing) {
            return keep(backup, "hold:newest-failing", "the newest backup of " + backup.database()
                    + " failed: nothing is deleted until one is verified again");
        }
        if (lastKnownGood) {
            return keep(backup, "keep:last-known-good", "the last known good backup");
        }
        if (backup.state() == BackupSummary.State.STORED) {
            return keep(backup, "keep:verification-pending", "its restore test has not run yet");
        }
        if (newestVerified) {
            return keep(backup, "keep:newest-" + config.keepAtLeast(), "one of the newest " + config.keepAtLeast()
                    + " verified backups (amyterm.storage.retention.keep-at-least)");
        }
        if (gfsPeriod != null) {
            return keep(backup, "keep:gfs-" + gfsPeriod, "the newest verified backup of its " + gfsPeriod + " (GFS)");
        }
        String retentionClass = retentionClass(backup);
        int days = config.daysOf(retentionClass);
        Instant taken = takenAt(backup);
        if (taken.plus(days, ChronoUnit.DAYS).isBefore(now)) {
            return new Decision(backup, true, "age:" + retentionClass + ":" + days + "d", "taken " + taken
                    + ", more than " + days + " days ago (retention class " + retentionClass + ")");
        }
        return keep(backup, "keep:age", "younger than the " + days + " days of retention class " + retentionClass);
    }

    /** The newest verified backup of each of the last N days, ISO weeks and months (UTC). */
    private Map<BackupSummary, String> gfs(List<BackupSummary> verified, Instant now) {
        Map<BackupSummary, String> kept = new IdentityHashMap<>();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Set<String> days = new HashSet<>();
        Set<String> weeks = new HashSet<>();
        Set<String> months = new HashSet<>();
        for (BackupSummary backup : verified) { // newest first: the first of each period is its newest
            LocalDate day = LocalDate.ofInstant(takenAt(backup), ZoneOffset.UTC);
            long daysAgo = ChronoUnit.DAYS.between(day, today);
            if (daysAgo < config.gfs().days() && days.add(day.toString())) {
                kept.putIfAbsent(backup, "day");
            }
            String week = day.get(IsoFields.WEEK_BASED_YEAR) + "-W" + day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
            if (ChronoUnit.WEEKS.between(day, today) < config.gfs().weeks() && weeks.add(week)) {
                kept.putIfAbsent(backup, "week");
            }
            String month = day.getYear() + "-" + day.getMonthValue();
            if (ChronoUnit.MONTHS.between(day.withDayOfMonth(1), today.withDayOfMonth(1)) < config.gfs().months()
                    && months.add(month)) {
                kept.putIfAbsent(backup, "month");
            }
        }
        return kept;
    }

    /** When the backup was taken: stored, or failed, or at least the day its id names. */
    static Instant takenAt(BackupSummary backup) {
        if (backup.manifest() != null && backup.manifest().storedAt() != null) {
            return backup.manifest().storedAt();
        }
        if (backup.failure() != null) {
            return backup.failure().failedAt();
        }
        return BackupId.day(backup.backupId()).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    static String retentionClass(BackupSummary backup) {
        return backup.manifest() != null && backup.manifest().reason() != null
                ? backup.manifest().reason().retentionClass() : "daily";
    }

    private static Decision keep(BackupSummary backup, String rule, String why) {
        return new Decision(backup, false, rule, why);
    }

    private static Set<BackupSummary> identitySet(List<BackupSummary> backups) {
        Set<BackupSummary> set = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(backups);
        return set;
    }

    /** How long a class keeps its backups. */
    public Duration retentionOf(String retentionClass) {
        return Duration.ofDays(config.daysOf(retentionClass));
    }
}
