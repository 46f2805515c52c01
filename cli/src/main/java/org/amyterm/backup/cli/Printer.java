package org.amyterm.backup.cli;

import java.util.List;
import java.util.stream.Collectors;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.Verification;

/** Plain-text views of backups for a terminal. */
final class Printer {
    private Printer() {
    }

    static String table(String database, List<BackupSummary> backups) {
        if (backups.isEmpty()) {
            return "no backups of " + database + " in the bucket";
        }
        StringBuilder text = new StringBuilder(String.format("%-26s %-20s %12s %12s %s%n", "BACKUP ID", "STATE",
                "SIZE", "RESTORE", "REASON"));
        for (BackupSummary b : backups) {
            Manifest m = b.manifest();
            Verification v = b.verification();
            text.append(String.format("%-26s %-20s %12s %12s %s%n", b.backupId(), b.state(),
                    m == null ? "-" : bytes(m.object().bytes()), v == null ? "-" : v.restoreMillis() + " ms",
                    m == null ? (b.failure() == null ? "" : b.failure().stage().code() + ": " + b.failure().reason().code())
                            : m.reason().code()));
        }
        return text.toString().stripTrailing();
    }

    static String details(BackupSummary b) {
        StringBuilder text = new StringBuilder();
        text.append("backup      ").append(b.backupId()).append('\n');
        text.append("database    ").append(b.database()).append('\n');
        text.append("state       ").append(b.state()).append('\n');
        Manifest m = b.manifest();
        if (m != null) {
            text.append("reason      ").append(m.reason().code()).append('\n');
            text.append("node role   ").append(m.nodeRole().code()).append('\n');
            text.append("schema      ").append(m.schemaVersion()).append('\n');
            text.append("postgres    ").append(m.pgServerVersion()).append(", ").append(m.pgDumpVersion()).append('\n');
            text.append("archive     ").append(bytes(m.archive().bytes())).append(" ").append(m.archive().format())
                    .append(", sha256 ").append(m.archive().sha256()).append('\n');
            text.append("object      ").append(m.object().key()).append(" (").append(bytes(m.object().bytes()))
                    .append(", ").append(m.encryption().algorithm()).append(" to ").append(m.encryption().keyId()).append(")\n");
            if (m.dumpStartedAt() != null && m.dumpFinishedAt() != null && m.storedAt() != null) {
                text.append("timings     dump ").append(millis(m.dumpStartedAt(), m.dumpFinishedAt()))
                        .append(" ms, encrypt and upload ").append(millis(m.dumpFinishedAt(), m.storedAt())).append(" ms");
                if (b.verification() != null) {
                    text.append(", restore ").append(b.verification().restoreMillis()).append(" ms, checks ")
                            .append(b.verification().checkMillis()).append(" ms");
                }
                text.append('\n');
            }
            // a catalogue older than the summary sends every table's count instead
            BackupSummary.Tables tables = b.tables() != null ? b.tables() : BackupSummary.Tables.of(m.tableRowCounts());
            text.append("tables      ").append(tables.count()).append(", ").append(tables.rows()).append(" rows\n");
        }
        Verification v = b.verification();
        if (v != null) {
            text.append("verified    ").append(v.passed() ? "PASSED" : "FAILED").append(" at ").append(v.finishedAt())
                    .append(", restore took ").append(v.restoreMillis()).append(" ms\n");
            for (CheckResult check : v.checks()) {
                text.append("  ").append(check.passed() ? "ok   " : "FAIL ").append(check.name()).append(": ")
                        .append(check.detail()).append(check.millis() == null ? "" : " (" + check.millis() + " ms)")
                        .append('\n');
            }
        }
        if (b.failure() != null) {
            text.append("failure     ").append(b.failure().stage().code()).append(" [").append(b.failure().reason().code())
                    .append("]: ").append(b.failure().message()).append('\n');
        }
        return text.toString().stripTrailing();
    }

    private static long millis(java.time.Instant from, java.time.Instant to) {
        return java.time.Duration.between(from, to).toMillis();
    }

    static String failedChecks(BackupSummary b) {
        if (b.verification() == null) {
            return "no evidence";
        }
        return b.verification().checks().stream().filter(c -> !c.passed()).map(c -> c.name() + ": " + c.detail())
                .collect(Collectors.joining("; "));
    }

    /** An operator restore (a RestoreCompleted as JSON), in one line: a restore, not a backup. */
    static String restore(String database, com.fasterxml.jackson.databind.JsonNode r) {
        com.fasterxml.jackson.databind.JsonNode subset = r.path("subset");
        String what;
        if (!subset.isObject()) {
            what = "the whole database into " + r.path("targetDatabase").asText();
        } else {
            java.util.List<String> restored = new java.util.ArrayList<>();
            subset.path("restored").forEach(t -> restored.add(t.asText()));
            what = String.join(", ", restored) + ("into-schema".equals(subset.path("mode").asText())
                    ? " into schema " + subset.path("intoSchema").asText() + " of " : " into ")
                    + r.path("targetDatabase").asText();
        }
        return database + ": last restored " + r.path("completedAt").asText() + " from backup "
                + r.path("backupId").asText() + ": " + what + ", by " + r.path("requestedBy").asText();
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = n;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format("%.1f %s", value, units[unit]);
    }

    static String age(long seconds) {
        if (seconds < 120) {
            return seconds + "s";
        }
        if (seconds < 7200) {
            return seconds / 60 + "m";
        }
        if (seconds < 172800) {
            return seconds / 3600 + "h";
        }
        return seconds / 86400 + "d";
    }
}
