package org.amyterm.backup.dumper.dump;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.SpoolFileNames;
import org.jboss.logging.Logger;

/**
 * The dump in progress of each database, and the requests that joined it. A request for a
 * database whose dump started no earlier than the join window before the request was made does
 * not dump production again: when that dump completes, its files are hard-linked under the
 * joining backup's own names (no second copy on disk) and the joiner gets its own BackupCompleted,
 * with its own id and reason, so each requester still follows, and keeps, its own backup.
 */
final class DumpRuns {
    private static final Logger LOG = Logger.getLogger(DumpRuns.class);

    private final Map<String, Run> running = new HashMap<>();

    /** One database's dump in progress. */
    final class Run {
        private final BackupRequested request;
        private final Instant startedAt;
        private final List<Joiner> joiners = new ArrayList<>();

        private Run(BackupRequested request, Instant startedAt) {
            this.request = request;
            this.startedAt = startedAt;
        }
    }

    private record Joiner(BackupRequested request, CompletableFuture<BackupCompleted> result) {
    }

    /**
     * Either joins the database's dump in progress (one begun no earlier than {@code window} before
     * this request was made) or begins one for this request, in one step, so two requests arriving
     * together always end with one dump.
     */
    synchronized Entry enter(BackupRequested request, Duration window) {
        Run run = running.get(request.database());
        if (run != null && !run.startedAt.isBefore(request.requestedAt().minus(window))) {
            CompletableFuture<BackupCompleted> result = new CompletableFuture<>();
            run.joiners.add(new Joiner(request, result));
            LOG.infof("backup %s of %s joins the dump of backup %s, begun at %s", request.backupId(),
                    request.database(), run.request.backupId(), run.startedAt);
            return new Entry(null, result);
        }
        Run begun = new Run(request, Instant.now());
        if (run == null) {
            running.put(request.database(), begun); // a run too old to join stays the one others may join
        }
        return new Entry(begun, null);
    }

    /** What {@link #enter} decided: this request's own run, or the result of the run it joined. */
    record Entry(Run run, CompletableFuture<BackupCompleted> joined) {

        /** The joined dump's result for this request, waiting up to {@code timeout}; empty if that dump failed. */
        Optional<BackupCompleted> await(Duration timeout) throws InterruptedException {
            try {
                return Optional.of(joined.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            } catch (ExecutionException | TimeoutException e) {
                LOG.infof("the dump this request joined did not serve it (%s): dumping by itself", e.getMessage());
                return Optional.empty();
            }
        }
    }

    /** Requests waiting for the database's dump in progress. */
    synchronized int joinersOf(String database) {
        Run run = running.get(database);
        return run == null ? 0 : run.joiners.size();
    }

    /** The dump completed: each joiner gets its own names for the same files. */
    void finish(Run run, BackupCompleted completed) {
        for (Joiner joiner : close(run)) {
            try {
                joiner.result().complete(linkedFor(joiner.request(), completed));
            } catch (IOException | RuntimeException e) {
                joiner.result().completeExceptionally(e);
            }
        }
    }

    /** The dump failed: its joiners dump by themselves. */
    void abandon(Run run, Exception failure) {
        close(run).forEach(joiner -> joiner.result().completeExceptionally(failure));
    }

    private synchronized List<Joiner> close(Run run) {
        running.remove(run.request.database(), run);
        return List.copyOf(run.joiners);
    }

    private static BackupCompleted linkedFor(BackupRequested joiner, BackupCompleted dump) throws IOException {
        Path spool = link(Path.of(dump.spoolFile()), SpoolFileNames.complete(joiner.backupId()));
        BackupCompleted.Globals globals = dump.globals() == null ? null : new BackupCompleted.Globals(
                link(Path.of(dump.globals().spoolFile()), SpoolFileNames.globals(joiner.backupId())).toString(),
                dump.globals().bytes(), dump.globals().sha256());
        return new BackupCompleted(joiner.backupId(), dump.database(), joiner.reason(), dump.nodeRole(), spool.toString(),
                dump.archiveBytes(), dump.archiveSha256(), dump.spoolBytes(), dump.spoolSha256(), dump.compression(),
                dump.pgServerVersion(), dump.pgDumpVersion(), dump.schemaVersion(), dump.tableRowCounts(),
                dump.startedAt(), dump.finishedAt(), dump.dumpDetails(), globals);
    }

    private static Path link(Path existing, String name) throws IOException {
        Path link = existing.resolveSibling(name);
        Files.deleteIfExists(link);
        return Files.createLink(link, existing);
    }
}
