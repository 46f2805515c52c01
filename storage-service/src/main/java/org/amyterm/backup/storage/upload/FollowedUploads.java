package org.amyterm.backup.storage.upload;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.amyterm.backup.contracts.BackupStarted;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.storage.config.StorageConfig;
import org.amyterm.backup.storage.spool.GrowingSpoolFile;
import org.amyterm.backup.storage.retention.RetainUntil;
import org.amyterm.backup.storage.spool.SpoolPaths;
import org.jboss.logging.Logger;

/**
 * Uploads that follow a dump while pg_dump still writes it (after BackupStarted), so that storing
 * ends seconds after the dump does. The BackupCompleted that follows claims its upload and decides,
 * by checksum, whether to complete it. A follow is only an early start: an upload nobody claims
 * is aborted, and a BackupCompleted without one stores from the finished spool file instead.
 */
@ApplicationScoped
public class FollowedUploads {
    private static final Logger LOG = Logger.getLogger(FollowedUploads.class);
    /** Claimed or finished backup ids are remembered (bounded) so a late BackupStarted starts nothing. */
    private static final int REMEMBERED = 10_000;

    private final EncryptedObjectWriter writer;
    private final SpoolPaths spoolPaths;
    private final StorageConfig.Follow config;
    private final RetainUntil retainUntil;
    private final ExecutorService followers = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "spool-follower");
        thread.setDaemon(true);
        return thread;
    });
    private final ScheduledExecutorService claimDeadlines = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "spool-follower-claim-deadline");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Optional<CompletableFuture<PreparedObject>>> uploads = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<CompletableFuture<PreparedObject>>> eldest) {
            return size() > REMEMBERED && eldest.getValue().isEmpty();
        }
    };

    public FollowedUploads(EncryptedObjectWriter writer, SpoolPaths spoolPaths, StorageConfig config,
            RetainUntil retainUntil) {
        this.retainUntil = retainUntil;
        this.writer = writer;
        this.spoolPaths = spoolPaths;
        this.config = config.follow();
    }

    /** Starts following the dump's spool file, unless this backup is already followed, claimed or finished. */
    public void begin(BackupStarted started) {
        Path partial = spoolPaths.partial(started);
        Path complete = SpoolPaths.completeName(partial, started.backupId());
        CompletableFuture<PreparedObject> upload = new CompletableFuture<>();
        synchronized (uploads) {
            if (uploads.containsKey(started.backupId()) || !Files.exists(partial)) {
                return; // followed, claimed or already complete: BackupCompleted stores it from the file
            }
            uploads.put(started.backupId(), Optional.of(upload));
        }
        LOG.infof("following the dump of %s (backup %s) while it is written", started.database(), started.backupId());
        followers.execute(() -> follow(started, partial, complete, upload));
    }

    private void follow(BackupStarted started, Path partial, Path complete, CompletableFuture<PreparedObject> upload) {
        try {
            // the final size is unknown: parts start small and grow (PartSizing)
            upload.complete(writer.write(started.backupId(), started.database(), 0,
                    retainUntil.of(started.reason(), started.startedAt()),
                    () -> GrowingSpoolFile.open(partial, complete, config.idleTimeout())));
        } catch (StageException e) {
            LOG.infof("stopped following the dump of %s (backup %s): %s", started.database(), started.backupId(),
                    e.getMessage());
            forgetIfUnclaimed(started.backupId(), upload); // a retried dump of this backup may be followed again
            upload.completeExceptionally(e);
            return;
        }
        // nobody may ever claim it (the BackupCompleted went to another replica, or never came)
        claimDeadlines.schedule(() -> abortUnclaimed(started, upload), config.claimTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void abortUnclaimed(BackupStarted started, CompletableFuture<PreparedObject> upload) {
        if (forgetIfUnclaimed(started.backupId(), upload)) {
            LOG.warnf("no BackupCompleted claimed the followed upload of %s (backup %s) within %s; aborted it",
                    started.database(), started.backupId(), config.claimTimeout());
            upload.join().close();
        }
    }

    /**
     * The followed upload of this backup, ready to complete, or empty if it is not followed here or
     * the follow failed (the caller then stores from the finished file, which reports its own
     * failure if the cause persists). Waits (bounded) for the follower to read the end of the dump.
     */
    Optional<PreparedObject> claim(String backupId, String database) {
        Optional<CompletableFuture<PreparedObject>> followed;
        synchronized (uploads) {
            followed = uploads.getOrDefault(backupId, Optional.empty());
            uploads.put(backupId, Optional.empty());
        }
        if (followed.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(followed.get().get(config.idleTimeout().toMillis() + 60_000, TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            LOG.warnf("the upload that followed backup %s of %s failed (%s); storing from the spool file",
                    backupId, database, e.getCause().getMessage());
            return Optional.empty();
        } catch (TimeoutException e) {
            followed.get().thenAccept(PreparedObject::close);
            LOG.warnf("the upload that followed backup %s of %s did not finish within %s after the dump completed; "
                    + "aborting it and storing from the spool file", backupId, database, config.idleTimeout());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            followed.get().thenAccept(PreparedObject::close);
            throw new StageException(backupId, database, Stage.STORE, FailureReason.UNEXPECTED,
                    "the storage service was stopped while storing", e);
        }
    }

    private boolean forgetIfUnclaimed(String backupId, CompletableFuture<PreparedObject> upload) {
        synchronized (uploads) {
            Optional<CompletableFuture<PreparedObject>> current = uploads.get(backupId);
            if (current != null && current.isPresent() && current.get() == upload) {
                uploads.remove(backupId);
                return true;
            }
            return false;
        }
    }

    @PreDestroy
    void stop() {
        // what nobody claimed yet is aborted now, not left in progress in the bucket
        claimDeadlines.shutdownNow().forEach(Runnable::run);
        followers.shutdownNow();
        try {
            followers.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
