package org.amyterm.backup.contracts;

import java.time.Instant;

/**
 * A dump is being written to the spool: {@code spoolFile} grows while pg_dump runs and is renamed to
 * the BackupCompleted's {@code spoolFile} once the dump succeeded (deleted if it failed). The storage
 * service may encrypt and upload while it grows, but completes the object only after the
 * BackupCompleted's size and sha256 match what it read.
 */
public record BackupStarted(
        String backupId,
        String database,
        BackupReason reason,
        String spoolFile,
        String compression,
        Instant startedAt) implements BackupEvent {

    public static final String TYPE = "org.amyterm.backup.started.v1";

    public BackupStarted {
        BackupId.requireValid(backupId);
        Require.text(database, "database");
        Require.present(reason, "reason");
        Require.text(spoolFile, "spoolFile");
        Require.text(compression, "compression");
        Require.present(startedAt, "startedAt");
    }

    @Override
    public String cloudEventType() {
        return TYPE;
    }

    @Override
    public String topic() {
        return Topics.STARTED;
    }
}
