package org.amyterm.backup.storage.kept;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.messaging.EventPublisher;
import org.amyterm.backup.storage.config.StorageConfig;
import org.amyterm.backup.storage.spool.KeptDumpRecords;
import org.amyterm.backup.storage.spool.SpoolPaths;
import org.amyterm.backup.storage.upload.EncryptingUploader;
import org.jboss.logging.Logger;

/**
 * Dumps kept on the spool after storing was given up are tried again, one attempt each, every
 * {@code amyterm.storage.kept.retry-every} (and on demand: {@code POST /kept/store}, {@code
 * amyterm-backup store-kept}). A stored one is announced (BackupStored resolves its alert); one that
 * is not what its dump wrote is deleted; one still not stored after {@code amyterm.storage.kept.max-age}
 * is removed from the spool with an alert (AT-STORE-009), so plaintext never stays for ever.
 * Replicas sharing the spool may try the same dump: storing is safe to race (one object, one manifest).
 */
@ApplicationScoped
public class KeptDumps {
    private static final Logger LOG = Logger.getLogger(KeptDumps.class);

    private final KeptDumpRecords records;
    private final EncryptingUploader uploader;
    private final SpoolPaths paths;
    private final EventPublisher events;
    private final Duration maxAge;
    private final Clock clock;

    public KeptDumps(KeptDumpRecords records, EncryptingUploader uploader, SpoolPaths paths, EventPublisher events,
            StorageConfig config, MeterRegistry registry) {
        this.records = records;
        this.uploader = uploader;
        this.paths = paths;
        this.events = events;
        this.maxAge = config.kept().maxAge();
        this.clock = Clock.systemUTC();
        Gauge.builder("amyterm.storage.kept.dumps", records, r -> r.all().size())
                .description("dumps kept on the spool after storing them was given up, waiting to be stored")
                .register(registry);
    }

    /** What became of one kept dump: {@code stored}, {@code waiting} (still failing), {@code deleted} or {@code removed} (too old). */
    public record Outcome(String backupId, String database, String outcome, String message) {
    }

    @Scheduled(every = "${amyterm.storage.kept.retry-every}", delayed = "${amyterm.storage.kept.retry-every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void onSchedule() {
        List<Outcome> outcomes = storeAll();
        if (!outcomes.isEmpty()) {
            LOG.infof("kept dumps tried again: %s", outcomes);
        }
    }

    /** Tries every kept dump once. */
    public synchronized List<Outcome> storeAll() {
        List<Outcome> outcomes = new ArrayList<>();
        for (KeptDumpRecords.Kept kept : records.all()) {
            outcomes.add(storeOne(kept));
        }
        return outcomes;
    }

    private Outcome storeOne(KeptDumpRecords.Kept kept) {
        var dump = kept.dump();
        Path spool = paths.complete(dump);
        if (!Files.exists(spool)) {
            records.forget(dump.backupId());
            return new Outcome(dump.backupId(), dump.database(), "deleted", "its spool file is gone (stored or removed)");
        }
        if (kept.keptAt().plus(maxAge).isBefore(clock.instant())) {
            uploader.discard(dump);
            StageException expired = new StageException(dump.backupId(), dump.database(), Stage.STORE,
                    FailureReason.KEPT_DUMP_EXPIRED, "the dump kept on the spool since " + kept.keptAt()
                            + " was not stored within amyterm.storage.kept.max-age (" + maxAge
                            + ") and has been removed: take a new backup");
            events.publishFailure(expired);
            return new Outcome(dump.backupId(), dump.database(), "removed", expired.getMessage());
        }
        try {
            events.publish(uploader.store(dump));
            records.forget(dump.backupId());
            return new Outcome(dump.backupId(), dump.database(), "stored", "stored and announced");
        } catch (RuntimeException unexpected) {
            StageException e = unexpected instanceof StageException stage ? stage : new StageException(dump.backupId(),
                    dump.database(), Stage.STORE, FailureReason.UNEXPECTED, "storing failed unexpectedly: " + unexpected,
                    unexpected);
            String fate = uploader.giveUp(dump, e.reason());
            if (!Files.exists(spool)) {
                records.forget(dump.backupId());
                events.publishFailure(e.gaveUp(fate));
                return new Outcome(dump.backupId(), dump.database(), "deleted", e.getMessage() + "; " + fate);
            }
            LOG.infof("kept dump of %s (backup %s) still not stored: %s", dump.database(), dump.backupId(), e.getMessage());
            return new Outcome(dump.backupId(), dump.database(), "waiting", "[" + e.reason().code() + "] "
                    + e.getMessage() + "; tried again in amyterm.storage.kept.retry-every, removed after "
                    + kept.keptAt().plus(maxAge));
        }
    }
}
