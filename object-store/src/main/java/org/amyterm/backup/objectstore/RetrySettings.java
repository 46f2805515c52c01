package org.amyterm.backup.objectstore;

import java.time.Duration;

/**
 * How the AWS SDK retries one request (a part, a manifest, a listing) that failed for a reason that
 * may pass (5xx, throttling, a refused connection, a timeout), with exponential backoff, before the
 * caller sees the failure. A part is retried this way without restarting its upload.
 */
public record RetrySettings(int maxAttempts, Duration maxBackoff) {
    /** About two minutes of a store that does not answer, per request. */
    public static final RetrySettings DEFAULT = new RetrySettings(8, Duration.ofSeconds(20));

    public RetrySettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("amyterm.store.retry.max-attempts must be 1 or more");
        }
        if (maxBackoff == null || maxBackoff.isNegative() || maxBackoff.isZero()) {
            throw new IllegalArgumentException("amyterm.store.retry.max-backoff must be positive");
        }
    }
}
