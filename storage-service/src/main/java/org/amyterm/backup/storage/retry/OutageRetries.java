package org.amyterm.backup.storage.retry;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.amyterm.backup.messaging.RetryWindow;
import org.amyterm.backup.storage.config.StorageConfig;

/**
 * Rides out an outage of the object store within {@code amyterm.storage.retry.window}; each request
 * inside an attempt is retried by the SDK first. Checked at start-up.
 */
@ApplicationScoped
@Startup
public class OutageRetries {
    private final RetryWindow window;

    public OutageRetries(StorageConfig config) {
        this.window = new RetryWindow("amyterm.storage.retry", config.retry().window(), config.retry().initialDelay(),
                config.retry().maxDelay());
    }

    public Duration window() {
        return window.window();
    }

    /** See {@link RetryWindow#run}. */
    public <T> T run(Class<T> type, Supplier<T> action, Predicate<Throwable> passing, RetryWindow.FirstFailure firstFailure) {
        return window.run(type, action, passing, firstFailure);
    }
}
