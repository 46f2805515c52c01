package org.amyterm.backup.dumper.dump;

import com.github.luben.zstd.ZstdOutputStream;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import jakarta.annotation.PreDestroy;
import org.amyterm.backup.contracts.DumpDetails;
import org.amyterm.backup.contracts.Inventory;
import org.amyterm.backup.dumper.config.SourceDatabase;
import org.amyterm.backup.dumper.config.SourceDatabases;
import org.amyterm.backup.dumper.config.SourceServer;
import org.amyterm.backup.dumper.config.BackupConfig;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.BackupStarted;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.NodeRole;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.contracts.integrity.HashingInputStream;
import org.amyterm.backup.contracts.integrity.HashingOutputStream;
import org.amyterm.backup.pgtools.PgClientProcess;
import org.jboss.logging.Logger;

/**
 * Dumps one database to the spool: pg_dump's archive is hashed (the sha256 the verifier checks
 * after decryption), compressed with zstd, hashed again as written (the sha256 the storage service
 * checks before completing its upload), and counted, in one streaming pass. As soon as pg_dump runs
 * a BackupStarted is announced, so the storage service can upload while the dump is written.
 * Meanwhile the row counts are read in pg_dump's own snapshot.
 */
@ApplicationScoped
public class DumpRunner {
    private static final Logger LOG = Logger.getLogger(DumpRunner.class);
    static final String COMPRESSION = "zstd";

    private final BackupConfig config;
    private final SourceDatabases databases;
    private final PgDumpBinaries binaries;
    /** Compresses pg_dump's output to the spool: its own threads (one per dump running), not the common pool. */
    private final ExecutorService copiers = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "dump-copy");
        thread.setDaemon(true);
        return thread;
    });
    private final DumpRuns runs = new DumpRuns();
    /** Dumps each server may run at once (per replica). */
    private final Map<String, Semaphore> serverSlots = new ConcurrentHashMap<>();

    public DumpRunner(BackupConfig config, SourceDatabases databases) {
        this.config = config;
        this.databases = databases;
        this.binaries = new PgDumpBinaries(config.dump().pgBinDir(), config.dump().pgBinDirs(),
                config.dump().pgBinDirPattern(), config.dump().pgBinFromPath());
    }

    /** The dumps in progress and their joiners (a seam for tests). */
    DumpRuns runs() {
        return runs;
    }

    @PreDestroy
    void stop() {
        copiers.shutdownNow();
    }

    /** Dumps; {@code announce} is told once the spool file is being written. */
    public BackupCompleted dump(BackupRequested request, Consumer<BackupStarted> announce) {
        String database = request.database();
        String backupId = request.backupId();
        SourceDatabase configured = databases.get(database).orElseThrow(() -> new StageException(backupId, database,
                Stage.DUMP, FailureReason.REQUEST_REFUSED, "database '" + database + "' is not configured for backup"));
        SourceServer server = configured.server();
        DumpRuns.Entry entry = runs.enter(request, config.requests().joinWindow());
        if (entry.isJoined()) {
            Optional<BackupCompleted> joined = awaitJoined(entry, request);
            if (joined.isPresent()) {
                return joined.get();
            }
            entry = runs.enter(request, Duration.ZERO); // the joined dump failed: this request dumps by itself
        }
        DumpRuns.Run run = entry.run();
        Semaphore slots = serverSlots.computeIfAbsent(server.name(), name -> new Semaphore(server.maxConcurrentDumps()));
        try {
            awaitTurn(entry, request);
            acquire(slots, server, request);
            try {
                BackupCompleted completed = dumpOnce(request, configured, announce, () -> runs.snapshotting(run));
                runs.finish(run, completed);
                return completed;
            } finally {
                slots.release();
            }
        } catch (RuntimeException e) {
            runs.abandon(run, e);
            throw e;
        }
    }

    private void awaitTurn(DumpRuns.Entry entry, BackupRequested request) {
        try {
            entry.awaitTurn();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StageException(request.backupId(), request.database(), Stage.DUMP, FailureReason.UNEXPECTED,
                    "the backup service was stopped while the next dump of " + request.database() + " waited", e);
        }
    }

    private Optional<BackupCompleted> awaitJoined(DumpRuns.Entry entry, BackupRequested request) {
        try {
            // a joiner of a queued dump waits for the running one too: at most the join window longer
            return entry.await(config.dump().timeout().plus(config.requests().joinWindow()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StageException(request.backupId(), request.database(), Stage.DUMP, FailureReason.UNEXPECTED,
                    "the backup service was stopped while waiting for the dump of " + request.database(), e);
        }
    }

    /** Waits for one of the server's dump slots, as long as a dump may take at most. */
    private void acquire(Semaphore slots, SourceServer server, BackupRequested request) {
        try {
            if (!slots.tryAcquire(config.dump().timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new StageException(request.backupId(), request.database(), Stage.DUMP, FailureReason.DUMP_FAILED,
                        "no dump slot of server " + server.name() + " came free within amyterm.backup.dump.timeout ("
                                + config.dump().timeout() + "; max-concurrent-dumps " + server.maxConcurrentDumps() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StageException(request.backupId(), request.database(), Stage.DUMP, FailureReason.UNEXPECTED,
                    "the backup service was stopped while waiting to dump " + request.database(), e);
        }
    }

    /** One pg_dump; {@code snapshotting} is called right before the source snapshot is taken and says when. */
    private BackupCompleted dumpOnce(BackupRequested request, SourceDatabase configured, Consumer<BackupStarted> announce,
            java.util.function.Supplier<Instant> snapshotting) {
        Instant startedAt = Instant.now();
        String database = request.database();
        String backupId = request.backupId();
        SourceServer server = configured.server();
        SpoolFile spool = createSpool(request);
        SpoolFile globalsSpool = null;
        Instant snapshotAt = snapshotting.get();
        try (SourceSnapshot snapshot = SourceSnapshot.open(server, database, backupId, config.dump().connectTimeout(),
                config.dump().lockWaitTimeout(), config.dump().timeout())) {
            PgDumpBinaries.Installed pgDump = pgDumpFor(snapshot.serverMajor(), server, request);
            long room = roomFor(snapshot.databaseSize(), request);
            globalsSpool = SpoolFile.createGlobals(config.spool().dir(), backupId);
            BackupCompleted.Globals globals = GlobalsCapture.capture(pgDump.binDir(), server, database, globalsSpool,
                    backupId, config.dump().lockWaitTimeout());
            List<String> options = PgDumpCommand.options(configured, config.dump().lockWaitTimeout());
            List<String> command = PgDumpCommand.of(pgDump.binDir(), server, snapshot.snapshotId(), options);
            Map<String, String> sequences = snapshot.sequences(configured.excludeSchemas(), configured.excludeTables());
            try (PgClientProcess process = PgClientProcess.start(command, server.password(),
                    PgDumpCommand.environment(database));
                    OutputStream file = spool.open()) {
                HashingOutputStream written = new HashingOutputStream(new SpoolLimit(file, room));
                HashingInputStream archive = new HashingInputStream(process.stdout());
                CompletableFuture<Void> copy = CompletableFuture.runAsync(() -> copyCompressed(archive, written), copiers);
                // a spool that cannot be written stops pg_dump at once, instead of leaving it blocked on a full pipe
                copy.whenComplete((done, failure) -> {
                    if (failure != null) {
                        process.close();
                    }
                });
                LOG.infof("dumping %s (backup %s) from %s to %s", database, backupId, server.name(), spool.partialPath());
                announce.accept(new BackupStarted(backupId, database, request.reason(), spool.partialPath().toString(),
                        COMPRESSION, startedAt));
                String serverVersion = snapshot.serverVersion();
                String schemaVersion = snapshot.optionalValue(config.dump().schemaVersionQuery()).orElse(null);
                NodeRole role = configured.nodeRole().isPresent() ? configured.nodeRole().get()
                        : NodeRole.fromCode(snapshot.optionalValue(config.dump().nodeRoleQuery()).orElse(null));
                List<String> extensions = snapshot.extensions();
                List<String> roles = snapshot.referencedRoles();
                Map<String, Long> counts = snapshot.rowCounts(configured.excludeSchemas(), configured.excludeTables());
                Map<String, Long> sizes = snapshot.tableBytes(counts.keySet());
                Inventory inventory = snapshot.inventory(configured.excludeSchemas(), configured.excludeTables(), sequences,
                        config.dump().sample().buckets(), config.dump().sample().budget());
                int exit = process.await(config.dump().timeout());
                joinCopy(copy, request);
                if (exit != 0) {
                    throw PgDumpFailure.of("pg_dump", backupId, database, server, exit, process.stderrTail(),
                            config.dump().timeout());
                }
                file.flush();
                Path committed = spool.commit();
                LOG.infof("dumped %s (backup %s) from %s with %s: %d archive bytes, %d on the spool", database,
                        backupId, server.name(), pgDump.version(), archive.bytes(), written.bytes());
                return new BackupCompleted(backupId, database, request.reason(), role, committed.toString(),
                        archive.bytes(), archive.sha256(), written.bytes(), written.sha256(), COMPRESSION,
                        serverVersion, pgDump.version(), schemaVersion, counts, startedAt, Instant.now(),
                        new DumpDetails(server.name(), options, extensions, roles, configured.checkProfile(),
                                configured.retentionClass(), configured.rpo().toString(), configured.rto().toString(),
                                inventory, request.requestedAt(), snapshotAt, sizes), globals);
            }
        } catch (StageException e) {
            discard(spool, globalsSpool);
            throw e;
        } catch (SQLException e) {
            discard(spool, globalsSpool);
            throw SourceSnapshot.connectFailure(server, database, backupId, e);
        } catch (IOException e) {
            discard(spool, globalsSpool);
            boolean full = e instanceof SpoolLimit.SpoolFullException
                    || String.valueOf(e.getMessage()).contains("No space left on device");
            throw new StageException(backupId, database, Stage.DUMP, full ? FailureReason.SPOOL_FULL
                    : FailureReason.SPOOL_UNWRITABLE, "writing the dump of " + database + " to " + config.spool().dir()
                            + " failed: " + e.getMessage() + (full ? "; pg_dump was stopped and the partial file removed "
                                    + "(the spool frees up as the storage service stores dumps; check it if this lasts)"
                                    : " (check permissions)"), e);
        } catch (InterruptedException e) {
            discard(spool, globalsSpool);
            Thread.currentThread().interrupt();
            throw new StageException(backupId, database, Stage.DUMP, FailureReason.UNEXPECTED,
                    "the backup service was stopped during the dump of " + database, e);
        } catch (RuntimeException e) {
            discard(spool, globalsSpool);
            throw new StageException(backupId, database, Stage.DUMP, FailureReason.UNEXPECTED,
                    "dump of " + database + " failed unexpectedly: " + e, e);
        }
    }

    /**
     * The bytes this dump may write to the spool; a dump that would not fit by estimate (a fraction
     * of the database's size) fails before pg_dump starts.
     */
    private long roomFor(long databaseBytes, BackupRequested request) throws IOException {
        long room = SpoolRoom.of(config.spool().dir(), config.spool().maxBytes());
        long estimate = (long) (databaseBytes * config.spool().estimateFraction());
        if (room < estimate) {
            throw new StageException(request.backupId(), request.database(), Stage.DUMP, FailureReason.SPOOL_FULL,
                    "the spool " + config.spool().dir() + " has room for " + room + " bytes, and the dump of "
                            + request.database() + " (" + databaseBytes + " bytes in the database) is estimated at "
                            + estimate + " (amyterm.backup.spool.estimate-fraction); the dump was not started");
        }
        return room;
    }

    private static void discard(SpoolFile spool, SpoolFile globals) {
        spool.discard();
        if (globals != null) {
            globals.discard();
        }
    }

    private PgDumpBinaries.Installed pgDumpFor(int serverMajor, SourceServer server, BackupRequested request) {
        return binaries.forServer(serverMajor).orElseThrow(() -> new StageException(request.backupId(),
                request.database(), Stage.DUMP, FailureReason.PG_DUMP_MISSING, "server " + server.name() + " ("
                        + server.host() + ":" + server.port() + ") runs PostgreSQL " + serverMajor + ", and no pg_dump "
                        + "of version " + serverMajor + " or newer is installed (found: " + (binaries.installed().isEmpty()
                                ? "none" : binaries.installed().stream().map(i -> i.version() + " in "
                                        + i.binDir().map(Path::toString).orElse("the PATH")).toList())
                        + "); install the client of that version, or point amyterm.backup.dump.pg-bin-dirs."
                        + serverMajor + " at it"));
    }

    private SpoolFile createSpool(BackupRequested request) {
        try {
            return SpoolFile.create(config.spool().dir(), request.backupId());
        } catch (IOException e) {
            throw new StageException(request.backupId(), request.database(), Stage.DUMP, FailureReason.SPOOL_UNWRITABLE,
                    "cannot create a spool file in " + config.spool().dir() + ": " + e.getMessage(), e);
        }
    }

    private static final int COPY_BUFFER_BYTES = 1 << 17;

    private void copyCompressed(InputStream archive, OutputStream spool) {
        try (ZstdOutputStream zstd = new ZstdOutputStream(new NonClosing(spool), config.dump().zstdLevel())) {
            // pg_dump's pipe hands out up to 64 KiB a read: a buffer larger than transferTo's 8 KiB
            // means an eighth of the reads, hash updates and calls into the compressor
            byte[] buffer = new byte[COPY_BUFFER_BYTES];
            for (int n; (n = archive.read(buffer)) >= 0;) {
                zstd.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void joinCopy(CompletableFuture<Void> copy, BackupRequested request) throws IOException {
        try {
            copy.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.io.UncheckedIOException io) {
                throw io.getCause();
            }
            throw new StageException(request.backupId(), request.database(), Stage.DUMP, FailureReason.UNEXPECTED,
                    "copying the dump of " + request.database() + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Lets the compressor finish its frame without closing the spool file beneath it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
