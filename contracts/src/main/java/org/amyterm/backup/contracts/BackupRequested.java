package org.amyterm.backup.contracts;

import java.time.Instant;

/** Asks for a backup of one database now. The backup id is fixed here, so a caller can follow it. */
public record BackupRequested(
        String backupId,
        String database,
        BackupReason reason,
        String requestedBy,
        String idempotencyKey,
        Instant requestedAt) implements BackupEvent {

    public static final String TYPE = "org.amyterm.backup.requested.v1";

    public BackupRequested {
        BackupId.requireValid(backupId);
        Require.text(database, "database");
        Require.present(reason, "reason");
        Require.text(requestedBy, "requestedBy");
        Require.text(idempotencyKey, "idempotencyKey");
        Require.present(requestedAt, "requestedAt");
    }

    /**
     * A request whose backup id follows from its time, database and idempotency key: one key used
     * for two databases in the same second still names two backups.
     */
    public static BackupRequested of(String database, BackupReason reason, String requestedBy,
            String idempotencyKey, Instant requestedAt) {
        return new BackupRequested(BackupId.of(requestedAt, database + "/" + idempotencyKey), database, reason, requestedBy,
                idempotencyKey, requestedAt);
    }

    @Override
    public String cloudEventType() {
        return TYPE;
    }

    @Override
    public String topic() {
        return Topics.REQUESTS;
    }
}
