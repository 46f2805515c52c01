package org.amyterm.backup.storage.retention;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.amyterm.backup.contracts.BackupExpired;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.messaging.EventPublisher;
import org.amyterm.backup.objectstore.BackupCatalogue;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.amyterm.backup.storage.config.StorageConfig;
import org.amyterm.backup.storage.metrics.StorageMetrics;
import org.amyterm.backup.storage.sign.SignedRecords;
import org.jboss.logging.Logger;

/**
 * Applies the retention policy to every database in the bucket: each backup to delete loses its
 * whole folder (the manifest last, so a half-done deletion is finished by the next run), which
 * keeps only {@code expired.json} (signed, so a planted one hides nothing), and a BackupExpired says what went, why and by which rule; a deletion that fails raises StageFailed
 * (stage {@code retention}) and the run goes on. A dry run deletes nothing and reports the same.
 */
@ApplicationScoped
public class RetentionRun {
    private static final Logger LOG = Logger.getLogger(RetentionRun.class);

    private final BackupCatalogue catalogue;
    private final ObjectStore store;
    private final ObjectLayout layout;
    private final EventPublisher events;
    private final RetentionPolicy policy;
    private final StorageMetrics metrics;
    private final SignedRecords records;
    private final java.time.Duration lockAhead;

    public RetentionRun(BackupCatalogue catalogue, ObjectStore store, ObjectLayout layout, EventPublisher events,
            StorageConfig config, StorageMetrics metrics, SignedRecords records) {
        this.metrics = metrics;
        this.records = records;
        this.catalogue = catalogue;
        this.store = store;
        this.layout = layout;
        this.events = events;
        this.policy = new RetentionPolicy(config.retention());
        this.lockAhead = config.retention().lockAhead();
        if (lockAhead.compareTo(java.time.Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("amyterm.storage.retention.lock-ahead must be at least a day (retention "
                    + "runs daily), was " + lockAhead);
        }
    }

    /** One line of the report: a backup, and what was (or, in a dry run, would be) done with it. */
    public record Entry(String database, String backupId, String state, String action, String rule, String why) {
    }

    /** What a run decided and did. */
    public record Report(boolean dryRun, Instant asOf, int deleted, int kept, int failed, List<Entry> backups) {
    }

    /** One database's backups, each with what the next run would do with it and why: a dry run of one database. */
    public List<Entry> forecast(String database, Instant now) {
        return policy.decide(catalogue.listNow(database), now).stream()
                .map(d -> new Entry(database, d.backup().backupId(), d.backup().state().name(),
                        d.delete() ? "would-delete" : "kept", d.rule(), d.why()))
                .toList();
    }

    public Report run(Instant now, boolean dryRun) {
        List<Entry> entries = new ArrayList<>();
        int deleted = 0;
        int failed = 0;
        Map<String, long[]> retained = new TreeMap<>();
        for (String retentionClass : List.of("daily", "pre-upgrade", "pre-federation-release", "manual")) {
            retained.put(retentionClass, new long[2]);
        }
        for (String database : catalogue.databases()) {
            List<RetentionPolicy.Decision> decisions;
            try {
                decisions = policy.decide(catalogue.listNow(database), now);
            } catch (RuntimeException e) {
                // one database's folder that cannot be decided on stops neither the run nor the others: it is alerted
                events.publishFailure(ObjectStoreException.failureOf(e, null, database, Stage.RETENTION,
                        "retention skipped " + database + " this run (nothing of it was deleted)"));
                failed++;
                continue;
            }
            for (RetentionPolicy.Decision decision : decisions) {
                String action = decision.delete() ? (dryRun ? "would-delete" : "deleted") : "kept";
                if (decision.delete() && !dryRun) {
                    try {
                        delete(decision, now);
                        metrics.deleted(RetentionPolicy.retentionClass(decision.backup()), decision.rule());
                        deleted++;
                    } catch (StageException e) {
                        events.publishFailure(e);
                        action = "delete-failed";
                        failed++;
                    }
                }
                if (!dryRun && decision.keptBeyondItsClass() && store.locksObjects()) {
                    try {
                        extendLocks(decision, now);
                    } catch (StageException e) {
                        events.publishFailure(e);
                        failed++;
                    }
                }
                if (!action.equals("deleted") && decision.backup().manifest() != null) {
                    long[] figures = retained.computeIfAbsent(RetentionPolicy.retentionClass(decision.backup()),
                            c -> new long[2]);
                    figures[0]++;
                    figures[1] += decision.backup().manifest().object().bytes();
                }
                entries.add(new Entry(database, decision.backup().backupId(), decision.backup().state().name(), action,
                        decision.rule(), decision.why()));
            }
        }
        if (!dryRun) {
            retained.forEach((retentionClass, figures) -> metrics.retained(retentionClass, figures[0], figures[1]));
        }
        int kept = (int) entries.stream().filter(e -> e.action().equals("kept")).count();
        LOG.infof("retention%s as of %s: %d deleted, %d kept, %d failed", dryRun ? " (dry run)" : "", now,
                dryRun ? entries.size() - kept : deleted, kept, failed);
        return new Report(dryRun, now, deleted, kept, failed, entries);
    }

    /**
     * Keeps a backup that outlives its retention class locked while it is kept: every object of its
     * folder stays locked until {@code lock-ahead} from now (never shortened), so a stolen credential
     * cannot delete the last known good once its class's days are over.
     */
    private void extendLocks(RetentionPolicy.Decision decision, Instant now) {
        String database = decision.backup().database();
        String backupId = decision.backup().backupId();
        try {
            int extended = 0;
            for (String key : store.list(layout.backupFolder(database, backupId))) {
                if (store.extendLock(key, now.plus(lockAhead))) {
                    extended++;
                }
            }
            if (extended > 0) {
                LOG.infof("extended the lock of %d object(s) of backup %s of %s to %s (%s)", extended, backupId, database,
                        now.plus(lockAhead), decision.rule());
            }
        } catch (ObjectStoreException e) {
            throw e.failure(backupId, database, Stage.RETENTION, "retention could not extend the Object Lock of backup "
                    + backupId + ", which it keeps (" + decision.rule() + "; the next run tries again)");
        }
    }

    private void delete(RetentionPolicy.Decision decision, Instant now) {
        String database = decision.backup().database();
        String backupId = decision.backup().backupId();
        String manifest = layout.manifestKey(database, backupId);
        try {
            String tombstone = layout.expiredKey(database, backupId);
            List<String> keys = new ArrayList<>(store.list(layout.backupFolder(database, backupId)));
            keys.remove(tombstone);
            keys.remove(ObjectLayout.signatureKey(tombstone));
            keys.sort(Comparator.comparing(manifest::equals)); // the manifest last
            for (String key : keys) {
                store.delete(key);
            }
            BackupExpired expired = new BackupExpired(backupId, database, keys, decision.why(), now, decision.rule());
            // what is left: the record of the deletion, so the catalogue says it expired, when and why
            records.put(tombstone, EventJson.writeForPeople(expired));
            events.publish(expired);
            LOG.infof("expired backup %s of %s (%s): %s", backupId, database, decision.rule(), decision.why());
        } catch (ObjectStoreException e) {
            throw e.failure(backupId, database, Stage.RETENTION, "retention could not delete backup " + backupId
                    + " (" + decision.rule() + "; the next run tries again)");
        } finally {
            catalogue.forget(database, backupId); // even half deleted, its month no longer looks as it did
        }
    }
}
