package org.amyterm.backup.objectstore;

import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;

/**
 * The object store failed a request; {@code retryable} is true for outages, false for refusals.
 * {@link #reason} is the one mapping of a store failure to a failure reason, for every caller.
 */
public class ObjectStoreException extends RuntimeException {
    private final boolean retryable;

    public ObjectStoreException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean isRetryable() {
        return retryable;
    }

    /** An outage is STORE_UNAVAILABLE (retried); a refusal (credentials, policy, a missing bucket) STORE_REJECTED. */
    public FailureReason reason() {
        return retryable ? FailureReason.STORE_UNAVAILABLE : FailureReason.STORE_REJECTED;
    }

    /**
     * Any failure of a step that reads or writes the bucket as the stage's: a store failure by its
     * own reason, anything else as UNEXPECTED; the message prefixed with {@code context}.
     */
    public static StageException failureOf(RuntimeException e, String backupId, String database, Stage stage,
            String context) {
        return e instanceof ObjectStoreException store ? store.failure(backupId, database, stage, context)
                : new StageException(backupId, database, stage, org.amyterm.backup.contracts.FailureReason.UNEXPECTED,
                        context + ": " + e, e);
    }

    /** This failure as the stage's, its message prefixed with {@code context} (what could not be done). */
    public StageException failure(String backupId, String database, Stage stage, String context) {
        return new StageException(backupId, database, stage, reason(),
                (context == null || context.isEmpty() ? "" : context + ": ") + getMessage(), this);
    }
}
