package org.amyterm.backup.console.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.RecoveryObjectives;

/**
 * One database as a person needs to see it first: can it be restored right now (a last known good
 * whose evidence proved itself), how old that is against its RPO, how its newest backup went, its
 * last measured restore time against its RTO, and its open alerts. {@link #verdict()} is the worst
 * of these, so a list sorted by it puts what needs a person first.
 */
public record DatabaseState(String database, boolean configured, List<BackupSummary> backups, BackupSummary latest,
        BackupSummary lastKnownGood, Duration rpo, Duration rto, List<JsonNode> openAlerts, Instant now) {

    public DatabaseState {
        backups = List.copyOf(backups);
        openAlerts = List.copyOf(openAlerts);
    }

    /** How a database stands, worst first; each with the words and the symbol a page shows beside its colour. */
    public enum Verdict {
        NOT_RECOVERABLE("Not recoverable", "✖", "bad"),
        UNTRUSTED("Files not trusted", "✖", "bad"),
        OLDER_THAN_RPO("Older than its RPO", "⚠", "bad"),
        NEWEST_FAILED("Newest backup failed", "⚠", "warn"),
        ALERTS_OPEN("Alerts open", "⚠", "warn"),
        SLOWER_THAN_RTO("Restore slower than RTO", "⚠", "warn"),
        WAITING("Restore test pending", "…", "info"),
        RECOVERABLE("Recoverable", "✔", "good");

        private final String words;
        private final String symbol;
        private final String tone;

        Verdict(String words, String symbol, String tone) {
            this.words = words;
            this.symbol = symbol;
            this.tone = tone;
        }

        public String words() {
            return words;
        }

        public String symbol() {
            return symbol;
        }

        /** The CSS class: colour only repeats what the words and the symbol say. */
        public String tone() {
            return tone;
        }
    }

    public static DatabaseState of(String database, boolean configured, List<BackupSummary> backups, List<JsonNode> openAlerts,
            Instant now) {
        BackupSummary latest = backups.stream().filter(b -> b.state() != BackupSummary.State.EXPIRED).findFirst().orElse(null);
        BackupSummary good = backups.stream().filter(b -> b.state() == BackupSummary.State.VERIFIED).findFirst().orElse(null);
        BackupSummary described = good != null ? good : latest;
        Duration rpo = objective(described, true);
        Duration rto = objective(described, false);
        return new DatabaseState(database, configured, backups, latest, good, rpo, rto, openAlerts, now);
    }

    public Verdict verdict() {
        // a file in the newest backup's folder that did not prove itself: someone wrote to the bucket, a person looks
        boolean untrusted = latest != null && !latest.untrusted().isEmpty();
        if (lastKnownGood == null) {
            if (untrusted) {
                return Verdict.UNTRUSTED;
            }
            return latest != null && latest.state() == BackupSummary.State.STORED ? Verdict.WAITING : Verdict.NOT_RECOVERABLE;
        }
        if (untrusted) {
            return Verdict.UNTRUSTED;
        }
        if (lastKnownGoodAge().compareTo(rpo) > 0) {
            return Verdict.OLDER_THAN_RPO;
        }
        if (latest != null && (latest.state() == BackupSummary.State.FAILED
                || latest.state() == BackupSummary.State.VERIFICATION_FAILED)) {
            return Verdict.NEWEST_FAILED;
        }
        if (!openAlerts.isEmpty()) {
            return Verdict.ALERTS_OPEN;
        }
        if (lastRestore().map(r -> r.compareTo(rto) > 0).orElse(false)) {
            return Verdict.SLOWER_THAN_RTO;
        }
        return Verdict.RECOVERABLE;
    }

    /** Since the last known good's snapshot (or dump start), what a restore now would lose. */
    public Duration lastKnownGoodAge() {
        return lastKnownGood == null ? null : Duration.between(takenAt(lastKnownGood), now);
    }

    /** The last known good's measured restore time. */
    public Optional<Duration> lastRestore() {
        return lastKnownGood == null || lastKnownGood.verification() == null ? Optional.empty()
                : Optional.of(Duration.ofMillis(lastKnownGood.verification().restoreMillis()));
    }

    public static Instant takenAt(BackupSummary backup) {
        if (backup.manifest() != null && backup.manifest().dumpDetails() != null
                && backup.manifest().dumpDetails().snapshotAt() != null) {
            return backup.manifest().dumpDetails().snapshotAt();
        }
        if (backup.manifest() != null && backup.manifest().dumpStartedAt() != null) {
            return backup.manifest().dumpStartedAt();
        }
        return org.amyterm.backup.contracts.BackupId.requestedAt(backup.backupId());
    }

    /** The objectives the backup's signed manifest records; the product's defaults for a database without one. */
    private static Duration objective(BackupSummary backup, boolean rpo) {
        String recorded = backup == null || backup.manifest() == null || backup.manifest().dumpDetails() == null ? null
                : rpo ? backup.manifest().dumpDetails().rpo() : backup.manifest().dumpDetails().rto();
        if (recorded != null) {
            try {
                return Duration.parse(recorded);
            } catch (java.time.format.DateTimeParseException e) {
                // an unreadable objective is judged by the default, not dropped
            }
        }
        String fallback = rpo ? RecoveryObjectives.DEFAULT_RPO : RecoveryObjectives.DEFAULT_RTO;
        return Duration.parse("PT" + fallback.toUpperCase(java.util.Locale.ROOT));
    }
}
