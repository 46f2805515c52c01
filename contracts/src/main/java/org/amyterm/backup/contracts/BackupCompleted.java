package org.amyterm.backup.contracts;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * A dump is on the spool. {@code archiveSha256} is the sha256 of the pg_dump archive itself (what
 * {@code pg_restore} reads); {@code spoolSha256} is that of the spool file, which holds the archive
 * compressed with {@code compression}.
 */
public record BackupCompleted(
        String backupId,
        String database,
        BackupReason reason,
        NodeRole nodeRole,
        String spoolFile,
        long archiveBytes,
        String archiveSha256,
        long spoolBytes,
        String spoolSha256,
        String compression,
        String pgServerVersion,
        String pgDumpVersion,
        String schemaVersion,
        Map<String, Long> tableRowCounts,
        Instant startedAt,
        Instant finishedAt,
        DumpDetails dumpDetails,
        Globals globals) implements BackupEvent {

    public static final String TYPE = "org.amyterm.backup.completed.v1";

    public BackupCompleted {
        BackupId.requireValid(backupId);
        Require.text(database, "database");
        Require.present(reason, "reason");
        nodeRole = nodeRole == null ? NodeRole.UNKNOWN : nodeRole;
        Require.text(spoolFile, "spoolFile");
        Require.notNegative(archiveBytes, "archiveBytes");
        Require.text(archiveSha256, "archiveSha256");
        Require.notNegative(spoolBytes, "spoolBytes");
        Require.text(spoolSha256, "spoolSha256");
        Require.text(compression, "compression");
        tableRowCounts = tableRowCounts == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(tableRowCounts));
        Require.present(startedAt, "startedAt");
        Require.present(finishedAt, "finishedAt");
    }

    /**
     * The server's roles and tablespaces as {@code pg_dumpall --globals-only --no-role-passwords}
     * wrote them beside the dump: its spool file, size and sha256. Absent from older events.
     */
    public record Globals(String spoolFile, long bytes, String sha256) {
    }

    /** A dump described as before {@code globals} existed. */
    public BackupCompleted(String backupId, String database, BackupReason reason, NodeRole nodeRole, String spoolFile,
            long archiveBytes, String archiveSha256, long spoolBytes, String spoolSha256, String compression,
            String pgServerVersion, String pgDumpVersion, String schemaVersion, Map<String, Long> tableRowCounts,
            Instant startedAt, Instant finishedAt, DumpDetails dumpDetails) {
        this(backupId, database, reason, nodeRole, spoolFile, archiveBytes, archiveSha256, spoolBytes, spoolSha256,
                compression, pgServerVersion, pgDumpVersion, schemaVersion, tableRowCounts, startedAt, finishedAt,
                dumpDetails, null);
    }

    /** A dump described as before {@code dumpDetails} existed. */
    public BackupCompleted(String backupId, String database, BackupReason reason, NodeRole nodeRole, String spoolFile,
            long archiveBytes, String archiveSha256, long spoolBytes, String spoolSha256, String compression,
            String pgServerVersion, String pgDumpVersion, String schemaVersion, Map<String, Long> tableRowCounts,
            Instant startedAt, Instant finishedAt) {
        this(backupId, database, reason, nodeRole, spoolFile, archiveBytes, archiveSha256, spoolBytes, spoolSha256,
                compression, pgServerVersion, pgDumpVersion, schemaVersion, tableRowCounts, startedAt, finishedAt, null,
                null);
    }

    @Override
    public String cloudEventType() {
        return TYPE;
    }

    @Override
    public String topic() {
        return Topics.COMPLETED;
    }
}
