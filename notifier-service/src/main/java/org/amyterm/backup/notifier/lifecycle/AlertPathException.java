package org.amyterm.backup.notifier.lifecycle;

/** The alert path itself failed (Kafka unreachable): a fault, retried, never a verdict on a backup. */
public class AlertPathException extends RuntimeException {
    public AlertPathException(String message) {
        super(message);
    }

    public AlertPathException(String message, Throwable cause) {
        super(message, cause);
    }
}
