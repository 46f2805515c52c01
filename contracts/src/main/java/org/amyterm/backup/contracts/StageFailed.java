package org.amyterm.backup.contracts;

import java.time.Instant;

/**
 * A stage failed for a backup. {@code message} says what happened and what a person can do; it
 * never holds a secret. {@code backupId} is null only when the failure has no backup (a malformed
 * request, say). {@code retryingUntil} is set when the stage has not given up: it keeps retrying
 * until then (and raises another StageFailed without it if it gives up); older events lack it.
 */
public record StageFailed(
        String backupId,
        String database,
        Stage stage,
        FailureReason reason,
        String message,
        boolean retryable,
        Instant failedAt,
        Instant retryingUntil) implements BackupEvent {

    public static final String TYPE = "org.amyterm.backup.failed.v1";

    public StageFailed {
        Require.text(database, "database");
        Require.present(stage, "stage");
        Require.present(reason, "reason");
        Require.text(message, "message");
        Require.present(failedAt, "failedAt");
    }

    public static StageFailed of(String backupId, String database, Stage stage, FailureReason reason,
            String message, Instant failedAt) {
        return new StageFailed(backupId, database, stage, reason, message, reason.isRetryable(), failedAt, null);
    }

    /** Whether this reports a failure the stage is still retrying (not a give-up). */
    public boolean stillRetrying() {
        return retryingUntil != null;
    }

    @Override
    public String cloudEventType() {
        return TYPE;
    }

    @Override
    public String topic() {
        return Topics.FAILED;
    }
}
