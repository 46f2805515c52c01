package org.amyterm.backup.verifier.reverify;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.enterprise.context.ApplicationScoped;
import org.amyterm.backup.contracts.VerificationRequested;
import org.amyterm.backup.messaging.EventPublisher;
import org.amyterm.backup.objectstore.BackupCatalogue;
import org.jboss.logging.Logger;

/**
 * Restore-tests the last known good backup of every database in the bucket again, on
 * {@code amyterm.verifier.reverify.cron}: a backup damaged after it passed (a flipped byte, a
 * lost object) stops being last known good before anyone needs it. Every replica fires; the
 * request is named by the scheduled time, so they ask for the same verification, which runs once.
 */
@ApplicationScoped
public class ReverificationSchedule {
    private static final Logger LOG = Logger.getLogger(ReverificationSchedule.class);

    private final BackupCatalogue catalogue;
    private final EventPublisher events;

    public ReverificationSchedule(BackupCatalogue catalogue, EventPublisher events) {
        this.catalogue = catalogue;
        this.events = events;
    }

    @Scheduled(identity = "reverify", cron = "${amyterm.verifier.reverify.cron}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void reverify(ScheduledExecution execution) {
        java.time.Instant fired = execution.getScheduledFireTime();
        for (String database : catalogue.databases()) {
            try {
                catalogue.lastKnownGood(database).ifPresent(good -> events.publish(VerificationRequested.of(
                        good.backupId(), database, VerificationRequested.Trigger.SCHEDULED, "schedule",
                        "scheduled:" + fired.getEpochSecond(), fired)));
            } catch (RuntimeException e) {
                // one database's trouble (its listing, the broker) never keeps the others from being re-tested
                LOG.errorf("could not request the re-verification of %s's last known good backup: %s", database,
                        e.getMessage());
            }
        }
    }
}
