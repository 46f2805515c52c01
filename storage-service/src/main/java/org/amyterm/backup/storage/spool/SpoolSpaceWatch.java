package org.amyterm.backup.storage.spool;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.messaging.EventPublisher;
import org.amyterm.backup.storage.config.StorageConfig;
import org.amyterm.backup.storage.metrics.StorageMetrics;
import org.jboss.logging.Logger;

/**
 * Watches the spool's free space: the gauge {@code amyterm_storage_spool_free_bytes}, and one alert
 * (StageFailed AT-STORE-007, for all databases: {@code *}) when it falls below the threshold, before
 * a dump fails for want of space; once it has recovered, the next fall alerts again.
 */
@ApplicationScoped
public class SpoolSpaceWatch {
    /** The StageFailed's database: the spool serves every one of them. */
    static final String ALL_DATABASES = "*";
    private static final Logger LOG = Logger.getLogger(SpoolSpaceWatch.class);
    private static final long GIB = 1L << 30;

    private final Path spoolDir;
    private final StorageConfig.Spool config;
    private final EventPublisher events;
    private final StorageMetrics metrics;
    private final AtomicBoolean low = new AtomicBoolean();

    public SpoolSpaceWatch(StorageConfig config, EventPublisher events, StorageMetrics metrics) {
        this.spoolDir = config.spoolDir();
        this.config = config.spool();
        this.events = events;
        this.metrics = metrics;
        if (this.config.minFreePercent() < 0 || this.config.minFreePercent() > 100) {
            throw new IllegalArgumentException("amyterm.storage.spool.min-free-percent must be 0 to 100, was "
                    + this.config.minFreePercent());
        }
    }

    @Scheduled(every = "${amyterm.storage.spool.check-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        try {
            FileStore fileStore = Files.getFileStore(Files.exists(spoolDir) ? spoolDir : spoolDir.getParent());
            check(fileStore.getUsableSpace(), fileStore.getTotalSpace());
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cannot read the free space of the spool %s: %s", spoolDir, e.getMessage());
        }
    }

    void check(long free, long total) {
        metrics.spoolFree(free);
        boolean below = total > 0 && free * 100 < total * config.minFreePercent();
        if (below && low.compareAndSet(false, true)) {
            try {
                events.publishFailure(new StageException(null, ALL_DATABASES, Stage.STORE, FailureReason.SPOOL_LOW_SPACE,
                        "the spool " + spoolDir + " has less than " + config.minFreePercent() + "% free (about "
                                + free / GIB + " GiB of " + total / GIB + " GiB; amyterm.storage.spool.min-free-percent): "
                                + "dumps fail when it is full. Free space, or look for spool files kept after a "
                                + "store was given up"));
            } catch (RuntimeException e) {
                low.set(false); // not reported: try again at the next check
                LOG.warnf("could not report the low spool space: %s", e.getMessage());
            }
        } else if (!below && low.compareAndSet(true, false)) {
            LOG.infof("the spool %s has %d%% free again", spoolDir, free * 100 / total);
        }
    }
}
