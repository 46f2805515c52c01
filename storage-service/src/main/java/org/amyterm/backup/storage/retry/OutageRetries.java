package org.amyterm.backup.storage.retry;

import io.quarkus.runtime.Startup;
import io.smallrye.faulttolerance.api.TypedGuard;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.amyterm.backup.storage.config.StorageConfig;

/**
 * Rides out an outage of the object store: an action that failed for a reason that may pass is
 * repeated with exponential backoff until the retry window closes, then its last failure is thrown.
 * The first failure is reported once (with the time retries end), so a person hears of an outage
 * without one alert per attempt. Each request inside an attempt is retried by the SDK first.
 */
@ApplicationScoped
@Startup
public class OutageRetries {
    private final StorageConfig.Retry config;

    public OutageRetries(StorageConfig config) {
        this.config = config.retry();
        if (this.config.window().compareTo(this.config.initialDelay()) <= 0) {
            throw new IllegalArgumentException("amyterm.storage.retry.window (" + this.config.window()
                    + ") must be longer than amyterm.storage.retry.initial-delay (" + this.config.initialDelay() + ")");
        }
        if (this.config.maxDelay().compareTo(this.config.initialDelay()) < 0) {
            throw new IllegalArgumentException("amyterm.storage.retry.max-delay must be at least initial-delay");
        }
    }

    public Duration window() {
        return config.window();
    }

    /** A wait is shorter than the window (fault tolerance refuses one as long). */
    private Duration maxDelay() {
        return config.maxDelay().compareTo(config.window()) < 0 ? config.maxDelay() : config.window().dividedBy(2);
    }

    /**
     * Runs {@code action}, repeating it while {@code passing} says its failure may pass and the
     * window is open; {@code firstFailure} hears of each failure until it reports one.
     */
    public <T> T run(Class<T> type, Supplier<T> action, Predicate<Throwable> passing, FirstFailure firstFailure) {
        Instant until = Instant.now().plus(config.window());
        AtomicBoolean reported = new AtomicBoolean();
        long delay = config.initialDelay().toMillis();
        TypedGuard<T> guard = TypedGuard.create(type)
                .withRetry()
                .maxRetries(-1) // bounded by the window, not by a count
                .maxDuration(config.window().toMillis(), ChronoUnit.MILLIS)
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
