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
 * The dumps of each database, and the requests they serve, coalesced as group commit does: a
 * request joins a dump only if that dump's snapshot is taken after the request was made (so a
 * backup never predates its request). One that arrives while a dump with an older snapshot runs
 * waits for the database's <em>next</em> dump, which every request arriving meanwhile joins too,
 * and which begins when the running one ends (or {@code window} after it was queued, at the
 * latest). A joiner's backup is the dump's files hard-linked under its own names (no second copy on
 * disk), with its own BackupCompleted, id and reason, so each requester follows, and keeps, its own.
 */
final class DumpRuns {
    private static final Logger LOG = Logger.getLogger(DumpRuns.class);

    /** Per database: the dump running (or about to), and the one queued behind it. */
    private final Map<String, Run> current = new HashMap<>();
    private final Map<String, Run> next = new HashMap<>();

    /** One database's dump, running or queued. */
    final class Run {
        private final BackupRequested request;
        private final List<Joiner> joiners = new ArrayList<>();
        private final CompletableFuture<Void> ended = new CompletableFuture<>();
        /** When its snapshot began to be taken: everything committed before is in the dump; null before. */
        private Instant snapshotAt;

        private Run(BackupRequested request) {
            this.request = request;
        }

        /** Whether {@code other} may be served by this dump: its snapshot is not taken yet, or taken after it was made. */
        private boolean serves(BackupRequested other) {
            return snapshotAt == null || other.requestedAt().isBefore(snapshotAt);
        }
    }

    private record Joiner(BackupRequested request, CompletableFuture<BackupCompleted> result) {
    }

    /**
     * Decides, in one step, how {@code request} is served: by joining a dump that will hold what was
     * committed before it, or by a dump of its own (which may first wait for the running one, see
     * {@link Entry#awaitTurn}). {@code window} zero turns coalescing off: every request dumps by itself.
     */
    synchronized Entry enter(BackupRequested request, Duration window) {
        String database = request.database();
        Run running = current.get(database);
        if (window.isZero() || window.isNegative()) {
            return new Entry(new Run(request), null, null, Duration.ZERO);
        }
        if (running == null) {
            Run begun = new Run(request);
            current.put(database, begun);
            return new Entry(begun, null, null, Duration.ZERO);
        }
        if (running.serves(request)) {
            return join(running, request);
        }
        Run queued = next.get(database);
        if (queued != null) {
            return join(queued, request);
        }
        Run begun = new Run(request);
        next.put(database, begun);
        LOG.infof("backup %s of %s waits for the dump of backup %s to end (its snapshot predates the request): "
                + "the next dump serves it and every request that arrives meanwhile", request.backupId(), database,
                running.request.backupId());
        return new Entry(begun, running, this, window);
    }

    private Entry join(Run run, BackupRequested request) {
        CompletableFuture<BackupCompleted> result = new CompletableFuture<>();
        run.joiners.add(new Joiner(request, result));
        LOG.infof("backup %s of %s joins the dump of backup %s", request.backupId(), request.database(),
                run.request.backupId());
        return new Entry(null, null, null, Duration.ZERO, result);
    }

    /** The queued run becomes the database's running one (the one it waited for ended, or waited long enough). */
    private synchronized void promote(Run queued) {
        String database = queued.request.database();
        next.remove(database, queued);
        current.put(database, queued);
    }

    /**
     * The run is about to take its snapshot: from now on a request made after this instant is left
     * for the next dump. Returns that instant, the dump's {@code snapshotAt}.
     */
    synchronized Instant snapshotting(Run run) {
        run.snapshotAt = Instant.now();
        return run.snapshotAt;
    }

    /** What {@link #enter} decided: this request's own run (perhaps queued behind another), or the result of the run it joined. */
    static final class Entry {
        private final Run run;
        private final Run behind;
        private final DumpRuns runs;
        private final Duration window;
        private final CompletableFuture<BackupCompleted> joined;

        private Entry(Run run, Run behind, DumpRuns runs, Duration window) {
            this(run, behind, runs, window, null);
        }

        private Entry(Run run, Run behind, DumpRuns runs, Duration window, CompletableFuture<BackupCompleted> joined) {
            this.run = run;
            this.behind = behind;
            this.runs = runs;
            this.window = window;
            this.joined = joined;
        }

        Run run() {
            return run;
        }

        boolean isJoined() {
            return joined != null;
        }

        /**
         * A queued run waits for the running dump of its database to end, {@code window} at most
         * (a long dump delays the next one no longer than that), then becomes the running one.
         */
        void awaitTurn() throws InterruptedException {
            if (behind == null) {
                return;
            }
            try {
                behind.ended.get(window.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.infof("the dump of backup %s still runs after %s: the next one begins beside it",
                        behind.request.backupId(), window);
            } finally {
                runs.promote(run);
            }
        }

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

    /** Requests waiting for the database's running dump. */
    synchronized int joinersOf(String database) {
        Run run = current.get(database);
        return run == null ? 0 : run.joiners.size();
    }

    /** Requests waiting for the database's next dump (its own request included), 0 if none is queued. */
    synchronized int queuedFor(String database) {
        Run run = next.get(database);
        return run == null ? 0 : 1 + run.joiners.size();
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
        current.remove(run.request.database(), run);
        next.remove(run.request.database(), run);
        run.ended.complete(null);
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
                dump.startedAt(), dump.finishedAt(), dump.dumpDetails() == null ? null
                        : dump.dumpDetails().requestedAt(joiner.requestedAt()), globals);
    }

    private static Path link(Path existing, String name) throws IOException {
        Path link = existing.resolveSibling(name);
        Files.deleteIfExists(link);
        return Files.createLink(link, existing);
    }
}
