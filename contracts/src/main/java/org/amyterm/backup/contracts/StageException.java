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
    private final Instant retryingUntil;

    public StageException(String backupId, String database, Stage stage, FailureReason reason, String message,
            Throwable cause) {
        this(backupId, database, stage, reason, message, cause, null);
    }

    private StageException(String backupId, String database, Stage stage, FailureReason reason, String message,
            Throwable cause, Instant retryingUntil) {
        super(message, cause);
        this.backupId = backupId;
        this.database = database;
        this.stage = stage;
        this.reason = reason;
        this.retryingUntil = retryingUntil;
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

    /** This failure, reported while the stage keeps retrying until {@code until}; {@code note} says so to people. */
    public StageException retryingUntil(Instant until, String note) {
        return new StageException(backupId, database, stage, reason, getMessage() + "; " + note, this, until);
    }

    /** This failure as the stage's final word: {@code note} says how long it retried and what was kept. */
    public StageException gaveUp(String note) {
        return new StageException(backupId, database, stage, reason, getMessage() + "; " + note, this, null);
    }

    public StageFailed toEvent(Instant failedAt) {
        return new StageFailed(backupId, database, stage, reason, getMessage(), reason.isRetryable(), failedAt,
                retryingUntil);
    }
}
