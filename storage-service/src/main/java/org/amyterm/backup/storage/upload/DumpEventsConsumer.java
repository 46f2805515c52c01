package org.amyterm.backup.storage.upload;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.faulttolerance.api.RetryWhen;
import io.smallrye.reactive.messaging.ce.IncomingCloudEventMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupStarted;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.IsRetryable;
import org.amyterm.backup.contracts.MalformedEventException;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.messaging.EventPublisher;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * {@code backup.started} and {@code backup.completed} on one channel, so that both events of a
 * database (same key, same partition number) reach the same replica: BackupStarted starts an
 * upload that follows the dump, BackupCompleted completes it (or stores from the file) and
 * publishes BackupStored, or a StageFailed(store). Messages are handled concurrently: one
 * database's upload never delays another database's start.
 */
@ApplicationScoped
public class DumpEventsConsumer {
    private static final Logger LOG = Logger.getLogger(DumpEventsConsumer.class);

    private final StoreAttempts attempts;
    private final EncryptingUploader uploader;
    private final FollowedUploads followed;
    private final EventPublisher events;

    public DumpEventsConsumer(StoreAttempts attempts, EncryptingUploader uploader, FollowedUploads followed,
            EventPublisher events) {
        this.attempts = attempts;
        this.uploader = uploader;
        this.followed = followed;
        this.events = events;
    }

    @Incoming("backup-dumps")
    @Blocking(ordered = false)
    public CompletionStage<Void> onDumpEvent(Message<String> message) {
        try {
            String type = message.getMetadata(IncomingCloudEventMetadata.class).map(IncomingCloudEventMetadata::getType)
                    .orElseThrow(() -> new MalformedEventException("a record without a CloudEvents type (ce_type header)",
                            null));
            if (BackupStarted.TYPE.equals(type)) {
                onStarted(EventJson.read(message.getPayload(), BackupStarted.class));
            } else if (BackupCompleted.TYPE.equals(type)) {
                onCompleted(EventJson.read(message.getPayload(), BackupCompleted.class));
            } else {
                throw new MalformedEventException("unexpected event type " + type + " on the dump topics", null);
            }
            return message.ack();
        } catch (RuntimeException e) {
            // a nack sends the record to the dead-letter topic; a throw would stop the consumer
            return message.nack(e);
        }
    }

    private void onStarted(BackupStarted started) {
        try {
            followed.begin(started);
        } catch (StageException e) {
            // following is only an early start: BackupCompleted still stores the dump, or fails loudly
            LOG.warnf("not following the dump of %s (backup %s): %s", started.database(), started.backupId(),
                    e.getMessage());
        }
    }

    private void onCompleted(BackupCompleted dump) {
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
