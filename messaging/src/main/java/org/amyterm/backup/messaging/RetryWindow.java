package org.amyterm.backup.messaging;

import io.smallrye.faulttolerance.api.TypedGuard;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Rides out a fault that may pass (a server restarting, a store down): an action that failed for
 * such a reason is repeated with exponential backoff (SmallRye Fault Tolerance) until the window
 * closes, then its last failure is thrown. The first failure is reported once, with the time the
 * retries end, so a person hears of an outage without one alert per attempt; every attempt is
 * offered to {@code attempts} (to log it).
 */
public final class RetryWindow {
    private final Duration window;
    private final Duration initialDelay;
    private final Duration maxDelay;

    /** {@code property} names the configuration group in the messages about invalid values. */
    public RetryWindow(String property, Duration window, Duration initialDelay, Duration maxDelay) {
        if (window.compareTo(initialDelay) <= 0) {
            throw new IllegalArgumentException(property + ".window (" + window + ") must be longer than " + property
                    + ".initial-delay (" + initialDelay + ")");
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException(property + ".max-delay must be at least " + property + ".initial-delay");
        }
        this.window = window;
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
    }

    /** The window from a service's {@code retry} group, e.g. {@code amyterm.backup.retry}. */
    public static RetryWindow of(String property, Settings settings) {
        return new RetryWindow(property, settings.window(), settings.initialDelay(), settings.maxDelay());
    }

    /**
     * A service's retry settings ({@code <prefix>.retry.window}, {@code .initial-delay},
     * {@code .max-delay}), as a group of its configuration mapping.
     */
    public interface Settings {
        /** How long a failing attempt is tried again before it is given up and reported again. */
        @io.smallrye.config.WithDefault("30m")
        Duration window();

        /** The first wait; the waits double from here (with jitter). */
        @io.smallrye.config.WithDefault("10s")
        Duration initialDelay();

        /** The longest wait between two attempts. */
        @io.smallrye.config.WithDefault("2m")
        Duration maxDelay();
    }

    public Duration window() {
        return window;
    }

    /** A wait is shorter than the window (fault tolerance refuses one as long). */
    private Duration maxDelay() {
        return maxDelay.compareTo(window) < 0 ? maxDelay : window.dividedBy(2);
    }

    /**
     * Runs {@code action}, repeating it while {@code passing} says its failure may pass and the
     * window is open; {@code firstFailure} hears of each failure until it reports one.
     */
    public <T> T run(Class<T> type, Supplier<T> action, Predicate<Throwable> passing, FirstFailure firstFailure) {
        Instant until = Instant.now().plus(window);
        AtomicBoolean reported = new AtomicBoolean();
        long delay = initialDelay.toMillis();
        TypedGuard<T> guard = TypedGuard.create(type)
                .withRetry()
                .maxRetries(-1) // bounded by the window, not by a count
                .maxDuration(window.toMillis(), ChronoUnit.MILLIS)
                .delay(delay, ChronoUnit.MILLIS)
                .jitter(Math.max(1, delay / 5), ChronoUnit.MILLIS)
                .whenException(passing)
                .beforeRetry(failure -> {
                    if (!reported.get() && firstFailure.report(failure, until)) {
                        reported.set(true);
                    }
                })
                .withExponentialBackoff().factor(2).maxDelay(maxDelay().toMillis(), ChronoUnit.MILLIS).done()
                .done()
                .build();
        return guard.get(action);
    }

    /** Hears of a failure that will be retried; returns whether it was reported (later ones are then not offered). */
    @FunctionalInterface
    public interface FirstFailure {
        boolean report(Throwable failure, Instant retryingUntil);
    }
}
