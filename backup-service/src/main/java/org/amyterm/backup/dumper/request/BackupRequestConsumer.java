package org.amyterm.backup.dumper.request;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.faulttolerance.api.RetryWhen;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.IsRetryable;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.dumper.config.BackupConfig;
import org.amyterm.backup.dumper.config.SourceDatabases;
import org.amyterm.backup.dumper.dump.DumpRunner;
import org.amyterm.backup.messaging.EventPublisher;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Takes backup requests off {@code backup.requests}: dump, then announce the dump. A request that
 * cannot be read is rejected to the dead-letter topic; one that may not run (see
 * {@link RequestAdmission}) and a dump that fails each become a StageFailed.
 */
@ApplicationScoped
public class BackupRequestConsumer {
    private static final Logger LOG = Logger.getLogger(BackupRequestConsumer.class);

    private final DumpAttempts attempts;
    private final EventPublisher events;
    private final RecentBackups recent = new RecentBackups(10_000);
    private final RequestAdmission admission;

    public BackupRequestConsumer(DumpAttempts attempts, EventPublisher events, BackupConfig config,
            SourceDatabases databases) {
        this.attempts = attempts;
        this.events = events;
        this.admission = new RequestAdmission(databases.names(), config.requests().staleAfter());
    }

    @Incoming("backup-requests")
    @Blocking
    public void onRequest(String payload) {
        BackupRequested request = EventJson.read(payload, BackupRequested.class);
        if (!recent.firstTime(request.backupId())) {
            LOG.infof("backup %s of %s was already taken; ignoring the repeated request", request.backupId(),
                    request.database());
            return;
        }
        try {
            admission.check(request, Instant.now());
        } catch (StageException refused) {
            LOG.warn(refused.getMessage());
            events.publishFailure(refused);
            return;
        }
        try {
            events.publish(attempts.dumpWithRetries(request));
        } catch (StageException e) {
            events.publishFailure(e);
        }
    }

    /** Retries dumps whose failure reason says a retry may help (an unreachable server, say). */
    @ApplicationScoped
    public static class DumpAttempts {
        private final DumpRunner dumps;
        private final EventPublisher events;

        public DumpAttempts(DumpRunner dumps, EventPublisher events) {
            this.dumps = dumps;
            this.events = events;
        }

        @Retry(maxRetries = 2, delay = 5000, jitter = 1000, maxDuration = 0)
        @RetryWhen(exception = IsRetryable.class)
        public org.amyterm.backup.contracts.BackupCompleted dumpWithRetries(BackupRequested request) {
            return dumps.dump(request, this::announce);
        }

        /** Best effort: without it the storage service stores from the finished spool file instead. */
        private void announce(org.amyterm.backup.contracts.BackupStarted started) {
            try {
                events.publish(started);
            } catch (RuntimeException e) {
                LOG.warnf("could not announce the dump of %s (backup %s) as started; it is stored once complete: %s",
                        started.database(), started.backupId(), e.getMessage());
            }
        }
    }
}
