package org.amyterm.backup.dumper.dump;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.SpoolFileNames;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.dumper.config.BackupConfig;
import org.amyterm.backup.messaging.EventPublisher;
import org.jboss.logging.Logger;

/**
 * At start-up, removes the partial dump files a crash left on the spool (not written for
 * {@code spool.orphan-age}, so another replica's dump in progress is left alone) and reports each
 * as an interrupted dump; a complete file is the storage service's and is never touched.
 */
@ApplicationScoped
public class SpoolOrphans {
    private static final Logger LOG = Logger.getLogger(SpoolOrphans.class);
    /** Stands for the database in the report: the file name holds only the backup id. */
    static final String UNKNOWN_DATABASE = "*";

    private final BackupConfig config;
    private final EventPublisher events;
    /** Reports without holding up start-up, even while Kafka is not there yet. */
    private final ExecutorService reporter = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "spool-orphans");
        thread.setDaemon(true);
        return thread;
    });

    public SpoolOrphans(BackupConfig config, EventPublisher events) {
        this.config = config;
        this.events = events;
    }

    void onStart(@Observes StartupEvent started) {
        for (String backupId : removeOrphans(Instant.now())) {
            reporter.execute(() -> {
                try {
                    events.publishFailure(new StageException(backupId, UNKNOWN_DATABASE, Stage.DUMP,
                            FailureReason.DUMP_INTERRUPTED, "the dump for backup " + backupId + " was interrupted (the "
                                    + "backup service stopped while writing it); its partial file was removed from "
                                    + config.spool().dir() + ". The next scheduled backup, or a new request, takes its place"));
                } catch (RuntimeException e) {
                    LOG.warnf("could not report the interrupted dump of backup %s: %s", backupId, e.getMessage());
                }
            });
        }
    }

    @PreDestroy
    void stop() {
        reporter.shutdown();
    }

    /** Deletes the orphaned partial files; returns their backup ids. */
    List<String> removeOrphans(Instant now) {
        Path spool = config.spool().dir();
        List<String> removed = new ArrayList<>();
        if (!Files.isDirectory(spool)) {
            return removed;
        }
        try (Stream<Path> files = Files.list(spool)) {
            for (Path file : files.toList()) {
                Optional<String> backupId = SpoolFileNames.backupIdOfPartial(file.getFileName().toString());
                if (backupId.isPresent() && Files.getLastModifiedTime(file).toInstant()
                        .isBefore(now.minus(config.spool().orphanAge()))) {
                    Files.deleteIfExists(file);
                    LOG.warnf("removed %s: a dump interrupted by a crash (backup %s)", file, backupId.get());
                    removed.add(backupId.get());
                }
            }
        } catch (IOException e) {
            LOG.errorf("could not look for interrupted dumps in %s: %s", spool, e.getMessage());
        }
        return removed;
    }
}
