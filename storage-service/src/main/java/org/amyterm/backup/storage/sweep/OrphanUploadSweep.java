package org.amyterm.backup.storage.sweep;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.amyterm.backup.storage.config.StorageConfig;
import org.jboss.logging.Logger;

/**
 * Aborts multipart uploads that no backup owns any more: those of a backup whose manifest exists
 * (its object is complete: whatever is still in progress is a leftover of a killed or raced
 * attempt) and those older than {@code amyterm.storage.sweep.min-age} (longer than any dump and
 * retry window). Their parts are otherwise billed and invisible forever.
 */
@ApplicationScoped
public class OrphanUploadSweep {
    private static final Logger LOG = Logger.getLogger(OrphanUploadSweep.class);

    private final ObjectStore store;
    private final ObjectLayout layout;
    private final StorageConfig.Sweep config;

    public OrphanUploadSweep(ObjectStore store, ObjectLayout layout, StorageConfig config) {
        this.store = store;
        this.layout = layout;
        this.config = config.sweep();
    }

    @Scheduled(every = "${amyterm.storage.sweep.every}", delayed = "${amyterm.storage.sweep.first-after}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            sweep(Instant.now());
        } catch (ObjectStoreException e) {
            LOG.warnf("the orphan-upload sweep could not run (%s); it runs again in %s", e.getMessage(), config.every());
        }
    }

    /** Aborts the orphans as of {@code now}; returns how many. */
    int sweep(Instant now) {
        int aborted = 0;
        for (ObjectStore.PendingUpload upload : store.pendingUploads(layout.root())) {
            String why = orphaned(upload, now);
            if (why != null) {
                store.abortPendingUpload(upload);
                LOG.infof("aborted the in-progress upload of %s (started %s): %s", upload.key(), upload.initiated(), why);
                aborted++;
            }
        }
        return aborted;
    }

    private String orphaned(ObjectStore.PendingUpload upload, Instant now) {
        if (upload.initiated() != null && upload.initiated().plus(config.minAge()).isBefore(now)) {
            return "older than amyterm.storage.sweep.min-age (" + config.minAge() + ")";
        }
        return layout.parse(upload.key())
                .filter(l -> store.exists(layout.manifestKey(l.database(), l.backupId())))
                .map(l -> "backup " + l.backupId() + " is already stored")
                .orElse(null);
    }
}
