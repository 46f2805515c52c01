package org.amyterm.backup.verifier.verify;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.faulttolerance.api.RetryWhen;
import jakarta.enterprise.context.ApplicationScoped;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.IsRetryable;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.messaging.EventPublisher;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code backup.stored} → restore test → {@code backup.verified}; a failed test also raises a
 * StageFailed(verify). One test at a time per replica: the staging server's capacity is the limit.
 */
@ApplicationScoped
public class BackupStoredConsumer {
    private final VerifyAttempts attempts;
    private final EventPublisher events;

    public BackupStoredConsumer(VerifyAttempts attempts, EventPublisher events) {
        this.attempts = attempts;
        this.events = events;
    }

    @Incoming("backup-stored")
    @Blocking
    public void onStored(String payload) {
        BackupStored stored = EventJson.read(payload, BackupStored.class);
        try {
            RestoreVerifier.Outcome outcome = attempts.verifyWithRetries(stored);
            events.publish(outcome.verified());
            outcome.failure().ifPresent(events::publishFailure);
        } catch (StageException e) {
            events.publishFailure(e);
        } catch (RuntimeException e) {
            events.publishFailure(new StageException(stored.backupId(), stored.database(), Stage.VERIFY,
                    FailureReason.UNEXPECTED, "the restore test failed unexpectedly: " + e, e));
        }
    }

    /** Retries restore tests that could not run (staging server or bucket unreachable). */
    @ApplicationScoped
    public static class VerifyAttempts {
        private final RestoreVerifier verifier;

        public VerifyAttempts(RestoreVerifier verifier) {
            this.verifier = verifier;
        }

        @Retry(maxRetries = 2, delay = 10000, jitter = 2000, maxDuration = 0)
        @RetryWhen(exception = IsRetryable.class)
        public RestoreVerifier.Outcome verifyWithRetries(BackupStored stored) {
            return verifier.verify(stored);
        }
    }
}
