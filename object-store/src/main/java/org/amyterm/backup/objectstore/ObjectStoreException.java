package org.amyterm.backup.objectstore;

/** The object store failed a request; {@code retryable} is true for outages, false for refusals. */
public class ObjectStoreException extends RuntimeException {
    private final boolean retryable;

    public ObjectStoreException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean isRetryable() {
        return retryable;
    }
}
