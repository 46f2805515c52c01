package org.amyterm.backup.upload;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.faulttolerance.api.RetryWhen;
import jakarta.enterprise.context.ApplicationScoped;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.IsRetryable;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.messaging.EventPublisher;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** {@code backup.completed} → store → {@code backup.stored}, or StageFailed(store). */
@ApplicationScoped
public class BackupCompletedConsumer {
    private final StoreAttempts attempts;
    private final EncryptingUploader uploader;
    private final EventPublisher events;

    public BackupCompletedConsumer(StoreAttempts attempts, EncryptingUploader uploader, EventPublisher events) {
        this.attempts = attempts;
        this.uploader = uploader;
        this.events = events;
    }

    @Incoming("backup-completed")
    @Blocking
    public void onCompleted(String payload) {
        BackupCompleted dump = EventJson.read(payload, BackupCompleted.class);
        try {
            events.publish(attempts.storeWithRetries(dump));
        } catch (StageException e) {
            uploader.giveUp(dump);
            events.publishFailure(e);
        } catch (RuntimeException e) {
            uploader.giveUp(dump);
            events.publishFailure(new StageException(dump.backupId(), dump.database(), Stage.STORE,
                    FailureReason.UNEXPECTED, "storing failed unexpectedly: " + e, e));
        }
    }

    /** Retries uploads that failed for a reason a retry may cure (the store was unreachable). */
    @ApplicationScoped
    public static class StoreAttempts {
        private final EncryptingUploader uploader;

        public StoreAttempts(EncryptingUploader uploader) {
            this.uploader = uploader;
        }

        @Retry(maxRetries = 3, delay = 5000, jitter = 1000, maxDuration = 0)
        @RetryWhen(exception = IsRetryable.class)
        public BackupStored storeWithRetries(BackupCompleted dump) {
            return uploader.store(dump);
        }
    }
}
