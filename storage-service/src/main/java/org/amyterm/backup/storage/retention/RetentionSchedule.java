package org.amyterm.backup.storage.retention;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.jboss.logging.Logger;

/**
 * Runs retention on its schedule, once per tick across all replicas: the replica that writes the
 * tick's marker in the bucket first ({@code If-None-Match: *}) runs it, so one deletion gives one
 * BackupExpired.
 */
@ApplicationScoped
public class RetentionSchedule {
    private static final Logger LOG = Logger.getLogger(RetentionSchedule.class);

    private final RetentionRun retention;
    private final ObjectStore store;
    private final ObjectLayout layout;

    public RetentionSchedule(RetentionRun retention, ObjectStore store, ObjectLayout layout) {
        this.retention = retention;
        this.store = store;
        this.layout = layout;
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
        } catch (ObjectStoreException e) {
            LOG.warnf("retention did not run (%s); the next tick tries again", e.getMessage());
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
