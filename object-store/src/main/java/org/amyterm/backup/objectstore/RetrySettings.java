package org.amyterm.backup.objectstore;

import java.time.Duration;

/**
 * How the AWS SDK retries one request (a part, a manifest, a listing) that failed for a reason that
 * may pass (5xx, throttling, a refused connection, a timeout), with exponential backoff, before the
 * caller sees the failure. A part is retried this way without restarting its upload. A request that
 * is not a stream (a manifest, a listing, a deletion) gives up after {@code callTimeout}, retries
 * included, whatever the store does: a store that accepts the connection and then answers a byte a
 * minute does not hold a caller for ever.
 */
public record RetrySettings(int maxAttempts, Duration maxBackoff, Duration callTimeout) {
    /** About two minutes of a store that does not answer, per request. */
    public static final RetrySettings DEFAULT = new RetrySettings(8, Duration.ofSeconds(20), Duration.ofMinutes(3));

    public RetrySettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("amyterm.store.retry.max-attempts must be 1 or more");
        }
        if (maxBackoff == null || maxBackoff.isNegative() || maxBackoff.isZero()) {
            throw new IllegalArgumentException("amyterm.store.retry.max-backoff must be positive");
        }
        if (callTimeout == null || callTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("amyterm.store.retry.call-timeout must be at least 1s");
        }
    }
}
