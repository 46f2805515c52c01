package org.amyterm.backup.storage.upload;

import io.smallrye.reactive.messaging.annotations.Blocking;
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
import org.amyterm.backup.storage.retry.OutageRetries;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * {@code backup.started} and {@code backup.completed} on one channel, so that both events of a
 * database (same key, same partition number) reach the same replica: BackupStarted starts an
 * upload that follows the dump, BackupCompleted completes it (or stores from the file) and
 * publishes BackupStored, or a StageFailed(store). An outage of the store is ridden out for the
 * retry window: one StageFailed when it starts, another only if storing is given up. Messages are
 * handled concurrently: one database's upload never delays another database's start.
 */
@ApplicationScoped
public class DumpEventsConsumer {
    private static final Logger LOG = Logger.getLogger(DumpEventsConsumer.class);

    private final OutageRetries retries;
    private final EncryptingUploader uploader;
    private final FollowedUploads followed;
    private final EventPublisher events;

    public DumpEventsConsumer(OutageRetries retries, EncryptingUploader uploader, FollowedUploads followed,
            EventPublisher events) {
        this.retries = retries;
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
        StageException failure;
        try {
            events.publish(retries.run(BackupStored.class, () -> uploader.store(dump), new IsRetryable(),
                    this::reportFirstFailure));
            return;
        } catch (StageException e) {
            failure = e;
        } catch (RuntimeException e) {
            failure = new StageException(dump.backupId(), dump.database(), Stage.STORE, FailureReason.UNEXPECTED,
                    "storing failed unexpectedly: " + e, e);
        }
        String spool = uploader.giveUp(dump, failure.reason());
        events.publishFailure(failure.gaveUp(failure.isRetryable()
                ? "gave up after retrying for " + retries.window() + " (amyterm.storage.retry.window); " + spool
                : spool));
    }

    /** Alerts on the first failure of an outage; another attempt storing the same backup is no outage. */
    private boolean reportFirstFailure(Throwable failure, java.time.Instant until) {
        StageException first = (StageException) failure;
        if (first instanceof EncryptingUploader.StoredByAnotherAttempt) {
            LOG.info(first.getMessage());
            return false;
        }
        try {
            events.publishFailure(first.retryingUntil(until, "retrying until " + until
                    + " (amyterm.storage.retry.window); the spool file is kept meanwhile"));
        } catch (RuntimeException e) {
            // Kafka may be down too: the retries go on, and a give-up is reported in any case
            LOG.warnf("could not report the first store failure of %s: %s", first.backupId(), e.getMessage());
        }
        return true;
    }
}
