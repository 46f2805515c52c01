package org.amyterm.backup.dumper.request;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.BackupStarted;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.IsRetryable;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.dumper.config.BackupConfig;
import org.amyterm.backup.dumper.config.SourceDatabases;
import org.amyterm.backup.dumper.dump.DumpMetrics;
import org.amyterm.backup.dumper.dump.DumpRunner;
import org.amyterm.backup.messaging.EventPublisher;
import org.amyterm.backup.messaging.RetryWindow;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Takes backup requests off {@code backup.requests}: dump (announcing it as started without waiting
 * for the broker), then announce the finished dump. A request that
 * cannot be read is rejected to the dead-letter topic; one that may not run (see
 * {@link RequestAdmission}) becomes a StageFailed. A dump that fails for a reason that may pass (the
 * server restarting, a lock held) is tried again with backoff for {@code amyterm.backup.retry.window},
 * each attempt logged: its first failure is reported as still retrying, a give-up again.
 */
@ApplicationScoped
public class BackupRequestConsumer {
    private static final Logger LOG = Logger.getLogger(BackupRequestConsumer.class);
    private static final int WAITING_ANNOUNCEMENTS = 64;

    private final DumpRunner dumps;
    private final EventPublisher events;
    private final RecentBackups recent = new RecentBackups(10_000);
    private final RequestAdmission admission;
    private final RetryWindow retries;
    private final DumpMetrics metrics;
    private final ExecutorService announcer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(WAITING_ANNOUNCEMENTS), task -> {
                Thread thread = new Thread(task, "dump-announcer");
                thread.setDaemon(true);
                return thread;
            });

    public BackupRequestConsumer(DumpRunner dumps, EventPublisher events, BackupConfig config,
            SourceDatabases databases, DumpMetrics metrics) {
        this.dumps = dumps;
        this.metrics = metrics;
        this.events = events;
        this.admission = new RequestAdmission(databases.names(), config.requests().staleAfter());
        this.retries = RetryWindow.of("amyterm.backup.retry", config.retry());
    }

    @Incoming("backup-requests")
    @Blocking(value = "dumps", ordered = false)
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
        AtomicInteger attempt = new AtomicInteger();
        metrics.started(request.database());
        try {
            BackupCompleted completed = retries.run(BackupCompleted.class, () -> attempt(request, attempt.incrementAndGet()),
                    new IsRetryable(), (failure, until) -> reportFirstFailure((StageException) failure, until));
            metrics.succeeded(completed);
            events.publish(completed);
        } catch (StageException e) {
            events.publishFailure(e.isRetryable() && attempt.get() > 1 ? e.gaveUp("gave up after " + attempt.get()
                    + " attempts in " + retries.window() + " (amyterm.backup.retry.window)") : e);
        } finally {
            metrics.ended(request.database());
        }
    }

    private BackupCompleted attempt(BackupRequested request, int number) {
        try {
            return dumps.dump(request, this::announce);
        } catch (StageException e) {
            LOG.warnf("attempt %d to dump %s (backup %s) failed [%s]%s: %s", number, request.database(),
                    request.backupId(), e.reason().code(), e.isRetryable() ? ", will retry" : "", e.getMessage());
            throw e;
        }
    }

    /** A person hears once that a dump is failing and being retried, not once per attempt. */
    private boolean reportFirstFailure(StageException failure, Instant until) {
        try {
            events.publishFailure(failure.retryingUntil(until, "retrying until " + until
                    + " (amyterm.backup.retry.window)"));
        } catch (RuntimeException e) {
            // Kafka may be down too: the retries go on, and a give-up is reported in any case
            LOG.warnf("could not report the first dump failure of %s: %s", failure.backupId(), e.getMessage());
        }
        return true;
    }

    /**
     * Handed off, never waited for: a broker that is away must not hold the dump, and with it the
     * snapshot on the source. Best effort: without it the storage service stores from the finished
     * spool file instead, and one that arrives after the dump ended starts nothing there. At most
     * {@link #WAITING_ANNOUNCEMENTS} wait behind one the broker holds up; more are dropped, logged.
     */
    private void announce(BackupStarted started) {
        try {
            announcer.execute(() -> {
                try {
                    events.publish(started);
                } catch (RuntimeException e) {
                    LOG.warnf("could not announce the dump of %s (backup %s) as started; it is stored once complete: %s",
                            started.database(), started.backupId(), e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warnf("%d dump announcements wait for the broker already; the dump of %s (backup %s) is stored once"
                    + " complete", WAITING_ANNOUNCEMENTS, started.database(), started.backupId());
        }
    }
}
