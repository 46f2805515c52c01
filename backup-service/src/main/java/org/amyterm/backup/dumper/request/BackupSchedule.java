package org.amyterm.backup.dumper.request;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.amyterm.backup.dumper.config.BackupConfig;
import org.amyterm.backup.contracts.BackupReason;
import org.jboss.logging.Logger;

/** The daily full backup of every configured database (procedure section 2). */
@ApplicationScoped
public class BackupSchedule {
    private static final Logger LOG = Logger.getLogger(BackupSchedule.class);

    private final BackupRequests requests;
    private final BackupConfig config;

    public BackupSchedule(BackupRequests requests, BackupConfig config) {
        this.requests = requests;
        this.config = config;
    }

    @Scheduled(identity = "daily-backup", cron = "${amyterm.backup.schedule.cron:0 30 1 * * ?}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void requestAll() {
        // every replica fires the schedule: the same database and minute give the same backup id, dumped once
        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        for (String database : config.source().databases()) {
            LOG.infof("scheduled backup of %s requested", database);
            requests.request(database, BackupReason.SCHEDULED, "schedule", "scheduled:" + database + ":" + minute, minute);
        }
    }
}
