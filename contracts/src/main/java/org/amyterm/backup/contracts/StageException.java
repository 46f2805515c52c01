package org.amyterm.backup.contracts;

import java.time.Instant;

/**
 * A stage could not do its work for one backup. It carries what the StageFailed event needs, so
 * every failure is mapped to an event in one place. The message is shown to operators: say what
 * happened and what to do, and never include a secret.
 */
public class StageException extends RuntimeException {
    private final String backupId;
    private final String database;
    private final Stage stage;
    private final FailureReason reason;

    public StageException(String backupId, String database, Stage stage, FailureReason reason, String message,
            Throwable cause) {
        super(message, cause);
        this.backupId = backupId;
        this.database = database;
        this.stage = stage;
        this.reason = reason;
    }

    public StageException(String backupId, String database, Stage stage, FailureReason reason, String message) {
        this(backupId, database, stage, reason, message, null);
    }

    public String backupId() {
        return backupId;
    }

    public String database() {
        return database;
    }

    public Stage stage() {
        return stage;
    }

    public FailureReason reason() {
        return reason;
    }

    public boolean isRetryable() {
        return reason.isRetryable();
    }

    public StageFailed toEvent(Instant failedAt) {
        return StageFailed.of(backupId, database, stage, reason, getMessage(), failedAt);
    }
}
