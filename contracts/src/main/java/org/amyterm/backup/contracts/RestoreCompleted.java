package org.amyterm.backup.contracts;

import java.time.Instant;
import java.util.List;

/**
 * An operator restore into a named target finished (procedure sections 5 to 7); {@code subset} says
 * what a selective restore restored and how (absent for a whole database, and from older events).
 */
public record RestoreCompleted(
        String backupId,
        String database,
        String targetDatabase,
        NodeRole nodeRole,
        String requestedBy,
        long restoreMillis,
        List<CheckResult> checks,
        Instant completedAt,
        RestoreSubset subset) implements BackupEvent {

    public static final String TYPE = "org.amyterm.backup.restored.v1";

    public RestoreCompleted {
        BackupId.requireValid(backupId);
        Require.text(database, "database");
        Require.text(targetDatabase, "targetDatabase");
        Require.present(nodeRole, "nodeRole");
        Require.text(requestedBy, "requestedBy");
        checks = checks == null ? List.of() : List.copyOf(checks);
        Require.present(completedAt, "completedAt");
    }

    /** A whole database restored. */
    public RestoreCompleted(String backupId, String database, String targetDatabase, NodeRole nodeRole,
            String requestedBy, long restoreMillis, List<CheckResult> checks, Instant completedAt) {
        this(backupId, database, targetDatabase, nodeRole, requestedBy, restoreMillis, checks, completedAt, null);
    }

    @Override
    public String cloudEventType() {
        return TYPE;
    }

    @Override
    public String topic() {
        return Topics.RESTORED;
    }
}
