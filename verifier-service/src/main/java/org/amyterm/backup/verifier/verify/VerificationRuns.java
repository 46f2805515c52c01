package org.amyterm.backup.verifier.verify;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.IsRetryable;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.messaging.EventPublisher;
import org.amyterm.backup.messaging.RetryWindow;
import org.amyterm.backup.verifier.config.VerifierConfig;
import org.jboss.logging.Logger;

/**
 * Runs a restore test to its end and publishes what came of it: RestoreVerified, and StageFailed
 * when it failed. A test that could not run (a fault: download cut, bucket or staging server
 * away, no pg_restore) is tried again with backoff within {@code amyterm.verifier.retry.window};
 * its first failure is reported as still retrying, never as a verdict on the backup.
 */
@ApplicationScoped
@Startup
public class VerificationRuns {
    private static final Logger LOG = Logger.getLogger(VerificationRuns.class);

    private final RestoreVerifier verifier;
    private final EventPublisher events;
    private final RetryWindow retries;

    public VerificationRuns(RestoreVerifier verifier, EventPublisher events, VerifierConfig config) {
        this.verifier = verifier;
        this.events = events;
        this.retries = RetryWindow.of("amyterm.verifier.retry", config.retry());
    }

    public void run(VerificationTarget target) {
        StageException failure;
        try {
            RestoreVerifier.Outcome outcome = retries.run(RestoreVerifier.Outcome.class, () -> verifier.verify(target),
                    new IsRetryable(), this::reportFirstFailure);
            events.publish(outcome.verified());
            outcome.failure().ifPresent(events::publishFailure);
            return;
        } catch (StageException e) {
            failure = e.isRetryable() ? e.gaveUp("gave up after retrying for " + retries.window()
                    + " (amyterm.verifier.retry.window); this says nothing about the backup, which is tested again "
                    + "when re-verified") : e;
        } catch (RuntimeException e) {
            failure = new StageException(target.backupId(), target.database(), Stage.VERIFY, FailureReason.UNEXPECTED,
                    "the restore test failed unexpectedly: " + e, e);
        }
        events.publishFailure(failure);
    }

    private boolean reportFirstFailure(Throwable failure, Instant until) {
        if (!(failure instanceof StageException first)) {
            return false;
        }
        try {
            events.publishFailure(first.retryingUntil(until, "retrying until " + until + " (amyterm.verifier.retry.window)"));
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("could not report that the restore test of %s is retrying: %s", first.backupId(), e.getMessage());
            return false;
        }
    }
}
