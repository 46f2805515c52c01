package org.amyterm.backup.dumper.request;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import io.quarkus.scheduler.Scheduler;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.dumper.config.BackupConfig;
import org.amyterm.backup.dumper.config.SourceDatabase;
import org.amyterm.backup.dumper.config.SourceDatabases;
import org.jboss.logging.Logger;

/**
 * The scheduled full backup of each configured database (procedure section 2), one Quarkus
 * scheduler job per database with its own cron, so one database's trouble never holds up another's.
 * Each request is published at the database's own offset within {@code schedule.jitter} after the
 * cron time, so many databases do not start in the same second. Every replica fires the schedule:
 * the database and the cron time fix the backup id, so they ask for the same backup, dumped once.
 * At start-up, a database's last scheduled time that no replica requested (the service was down,
 * or this is its first start) is requested once, at once.
 */
@ApplicationScoped
public class BackupSchedule {
    private static final Logger LOG = Logger.getLogger(BackupSchedule.class);
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    private final BackupRequests requests;
    private final SourceDatabases databases;
    private final Scheduler scheduler;
    private final Duration jitter;
    private final ScheduledExecutorService spread = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "schedule-spread");
        thread.setDaemon(true);
        return thread;
    });

    public BackupSchedule(BackupRequests requests, SourceDatabases databases, Scheduler scheduler, BackupConfig config) {
        this.requests = requests;
        this.databases = databases;
        this.scheduler = scheduler;
        this.jitter = config.schedule().jitter();
    }

    void start(@Observes StartupEvent started) {
        for (SourceDatabase database : databases.all()) {
            database.cron().ifPresent(cron -> spread.execute(() -> catchUp(database.name(), cron, Instant.now())));
            database.cron().ifPresentOrElse(cron -> {
                scheduler.newJob("backup:" + database.name())
                        .setCron(cron)
                        .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                        .setTask(execution -> fired(database, execution))
                        .schedule();
                LOG.infof("scheduled backups of %s: cron \"%s\", requested %d s after each time", database.name(), cron,
                        offset(database.name()).toSeconds());
            }, () -> LOG.infof("no scheduled backups of %s (its schedule is off)", database.name()));
        }
    }

    @PreDestroy
    void stop() {
        spread.shutdownNow();
    }

    /** The scheduled (not the actual) fire time names the request: the same on every replica. */
    private void fired(SourceDatabase database, ScheduledExecution execution) {
        Instant time = execution.getScheduledFireTime().truncatedTo(ChronoUnit.SECONDS);
        spread.schedule(() -> request(database.name(), time), offset(database.name()).toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Requests now the database's last scheduled backup before {@code now} if no replica requested
     * it (the service was down then): once, as a second start finds the catch-up's key.
     */
    void catchUp(String database, String cron, Instant now) {
        try {
            Optional<ZonedDateTime> last = ExecutionTime.forCron(CRON.parse(cron)).lastExecution(now.atZone(ZoneId.systemDefault()));
            if (last.isEmpty()) {
                return;
            }
            Instant missed = last.get().toInstant().truncatedTo(ChronoUnit.SECONDS);
            if (requests.wasRequested(database, key(database, missed))) {
                return;
            }
            LOG.warnf("the scheduled backup of %s for %s was not requested (the service was down): requesting it now",
                    database, missed);
            requests.request(database, BackupReason.SCHEDULED, "schedule (catch-up)", key(database, missed), now);
        } catch (RuntimeException e) {
            LOG.errorf("could not catch up the scheduled backup of %s: %s", database, e.getMessage());
        }
    }

    private static String key(String database, Instant time) {
        return "scheduled:" + database + ":" + time;
    }

    /** Publishes one database's scheduled request; a failure is logged and touches no other database. */
    void request(String database, Instant time) {
        try {
            requests.request(database, BackupReason.SCHEDULED, "schedule", key(database, time), time);
            LOG.infof("scheduled backup of %s requested", database);
        } catch (RuntimeException e) {
            LOG.errorf("the scheduled backup of %s for %s could not be requested: %s", database, time, e.getMessage());
        }
    }

    /** A configured database's next scheduled backup: its cron, and when it will be requested (null: schedule off). */
    public record NextBackup(String database, String cron, Instant nextAt) {
    }

    /** Each configured database's next scheduled request after {@code now}: its cron's next time plus its offset. */
    public List<NextBackup> next(Instant now) {
        List<NextBackup> next = new ArrayList<>();
        for (SourceDatabase database : databases.all()) {
            Instant at = database.cron().flatMap(cron -> ExecutionTime.forCron(CRON.parse(cron))
                    .nextExecution(now.minus(offset(database.name())).atZone(ZoneId.systemDefault())))
                    .map(time -> time.toInstant().plus(offset(database.name()))).orElse(null);
            next.add(new NextBackup(database.name(), database.cron().orElse(null), at));
        }
        return next;
    }

    /** The database's fixed place in the jitter window: the same on every replica, different per database. */
    Duration offset(String database) {
        long window = jitter.toMillis();
        return window <= 0 ? Duration.ZERO : Duration.ofMillis(Math.floorMod(database.hashCode() * 0x9E3779B1L, window));
    }
}
