package org.amyterm.backup.contracts;

import java.time.Instant;
import java.util.List;

/** An operator restore into a named target finished (procedure sections 5 to 7). */
public record RestoreCompleted(
        String backupId,
        String database,
        String targetDatabase,
        NodeRole nodeRole,
        String requestedBy,
        long restoreMillis,
        List<CheckResult> checks,
        Instant completedAt) implements BackupEvent {

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

    @Override
    public String cloudEventType() {
        return TYPE;
    }

    @Override
    public String topic() {
        return Topics.RESTORED;
    }
}
