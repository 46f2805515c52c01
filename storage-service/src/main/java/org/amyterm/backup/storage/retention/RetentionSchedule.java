package org.amyterm.backup.storage.retention;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.messaging.EventPublisher;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.jboss.logging.Logger;

/**
 * Runs retention on its schedule, once per tick across all replicas: the replica that writes the
 * tick's marker in the bucket first ({@code If-None-Match: *}) runs it, so one deletion gives one
 * BackupExpired. A tick whose run fails (the bucket, or anything else) raises a StageFailed of stage
 * {@code retention}, so a person hears of it.
 */
@ApplicationScoped
public class RetentionSchedule {
    private static final Logger LOG = Logger.getLogger(RetentionSchedule.class);
    /** Stands for the database of a failure that is not one database's. */
    static final String ALL_DATABASES = "*";

    private final RetentionRun retention;
    private final ObjectStore store;
    private final ObjectLayout layout;
    private final EventPublisher events;

    public RetentionSchedule(RetentionRun retention, ObjectStore store, ObjectLayout layout, EventPublisher events) {
        this.retention = retention;
        this.store = store;
        this.layout = layout;
        this.events = events;
    }

    @Scheduled(cron = "${amyterm.storage.retention.cron}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void onSchedule(ScheduledExecution execution) {
        Instant tick = execution.getScheduledFireTime().truncatedTo(ChronoUnit.MINUTES);
        try {
            if (store.putTextIfAbsent(markerKey(tick), "{\"startedAt\":\"" + Instant.now() + "\"}")) {
                retention.run(Instant.now(), false);
                forgetMarkersBefore(tick.minus(30, ChronoUnit.DAYS));
            } else {
                LOG.debugf("retention of %s runs on another replica", tick);
            }
        } catch (RuntimeException e) {
            // a run that does not happen is alerted, never only logged: backups would pile up unseen
            String context = "retention of " + tick + " did not run (the next tick tries again)";
            events.publishFailure(ObjectStoreException.failureOf(e, null, ALL_DATABASES, Stage.RETENTION, context));
        }
    }

    /** A marker only has to outlive its tick on every replica: a month of them is plenty. */
    private void forgetMarkersBefore(Instant cutoff) {
        String prefix = layout.root() + ".retention/";
        for (String key : store.list(prefix)) {
            String name = key.substring(prefix.length()).replace(".json", "");
            try {
                if (Instant.parse(name).isBefore(cutoff)) {
                    store.delete(key);
                }
            } catch (java.time.format.DateTimeParseException notOurs) {
                // someone else's object: left alone
            }
        }
    }

    /** Outside the backup layout (not a database folder), so the catalogue never lists it. */
    String markerKey(Instant tick) {
        return layout.root() + ".retention/" + tick + ".json";
    }
}
