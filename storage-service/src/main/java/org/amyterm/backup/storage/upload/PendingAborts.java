package org.amyterm.backup.storage.upload;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.amyterm.backup.storage.retry.OutageRetries;
import org.jboss.logging.Logger;

/**
 * Aborts uploads that will not be completed. An abort that fails because the store is down is
 * repeated in the background until the store is back (within the retry window), so the caller
 * never waits for it and no in-progress upload is left; what a killed process leaves behind is the
 * sweep's ({@code OrphanUploadSweep}).
 */
@ApplicationScoped
public class PendingAborts {
    private static final Logger LOG = Logger.getLogger(PendingAborts.class);

    private final OutageRetries retries;
    private final ExecutorService background = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "upload-abort-retry");
        thread.setDaemon(true);
        return thread;
    });

    public PendingAborts(OutageRetries retries) {
        this.retries = retries;
    }

    void abort(ObjectStore.Upload upload) {
        try {
            upload.abort();
        } catch (ObjectStoreException e) {
            if (!e.isRetryable()) {
                LOG.warnf("could not abort an upload (%s); the orphan-upload sweep will", e.getMessage());
                return;
            }
            background.execute(() -> abortWhenTheStoreIsBack(upload));
        }
    }

    private void abortWhenTheStoreIsBack(ObjectStore.Upload upload) {
        try {
            retries.run(Boolean.class, () -> {
                upload.abort();
                return Boolean.TRUE;
            }, e -> e instanceof ObjectStoreException s && s.isRetryable(), (first, until) -> {
                LOG.warnf("an upload could not be aborted (%s); retrying until %s", first.getMessage(), until);
                return true;
            });
        } catch (RuntimeException e) {
            LOG.warnf("gave up aborting an upload (%s); the orphan-upload sweep will", e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        background.shutdownNow();
    }
}
