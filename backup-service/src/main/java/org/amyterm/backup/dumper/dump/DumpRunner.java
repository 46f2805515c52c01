package org.amyterm.backup.dumper.dump;

import com.github.luben.zstd.ZstdOutputStream;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
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
    private final SourceEndpoint source;
    private final String pgDumpVersion;

    public DumpRunner(BackupConfig config) {
        this.config = config;
        this.source = new SourceEndpoint(config.source().host(), config.source().port(), config.source().user(),
                config.source().password());
        this.pgDumpVersion = PgClientProcess.version(config.dump().pgBinDir(), "pg_dump");
    }

    /** Dumps; {@code announce} is told once the spool file is being written. */
    public BackupCompleted dump(BackupRequested request, Consumer<BackupStarted> announce) {
        String database = request.database();
        String backupId = request.backupId();
        Instant startedAt = Instant.now();
        SpoolFile spool = createSpool(request);
        try (SourceSnapshot snapshot = SourceSnapshot.open(source, database, backupId)) {
            List<String> command = PgDumpCommand.of(config.dump().pgBinDir(), source, snapshot.snapshotId());
            try (PgClientProcess pgDump = PgClientProcess.start(command, source.password(),
                    PgDumpCommand.environment(database));
                    OutputStream file = spool.open()) {
                HashingOutputStream written = new HashingOutputStream(file);
                HashingInputStream archive = new HashingInputStream(pgDump.stdout());
                CompletableFuture<Void> copy = CompletableFuture.runAsync(() -> copyCompressed(archive, written));
                announce.accept(new BackupStarted(backupId, database, request.reason(), spool.partialPath().toString(),
                        COMPRESSION, startedAt));
                String serverVersion = snapshot.serverVersion();
                String schemaVersion = snapshot.optionalValue(config.dump().schemaVersionQuery()).orElse(null);
                NodeRole role = NodeRole.fromCode(snapshot.optionalValue(config.dump().nodeRoleQuery()).orElse(null));
                Map<String, Long> counts = snapshot.rowCounts();
                int exit = pgDump.await(config.dump().timeout());
                joinCopy(copy, request);
                if (exit != 0) {
                    throw new StageException(backupId, database, Stage.DUMP, FailureReason.DUMP_FAILED,
                            exit < 0 ? "pg_dump of " + database + " ran longer than amyterm.backup.dump.timeout ("
                                    + config.dump().timeout() + ") and was stopped"
                                    : "pg_dump of " + database + " exited with " + exit + ": " + pgDump.stderrTail());
                }
                file.flush();
                Path committed = spool.commit();
                LOG.infof("dumped %s (backup %s): %d archive bytes, %d on the spool", database, backupId,
                        archive.bytes(), written.bytes());
                return new BackupCompleted(backupId, database, request.reason(), role, committed.toString(),
                        archive.bytes(), archive.sha256(), written.bytes(), written.sha256(), COMPRESSION,
                        serverVersion, pgDumpVersion, schemaVersion, counts, startedAt, Instant.now());
            }
        } catch (StageException e) {
            spool.discard();
            throw e;
        } catch (SQLException e) {
            spool.discard();
            throw SourceSnapshot.connectFailure(source, database, backupId, e);
        } catch (IOException e) {
            spool.discard();
            throw new StageException(backupId, database, Stage.DUMP, FailureReason.SPOOL_UNWRITABLE,
                    "writing the dump of " + database + " to " + config.spool().dir() + " failed: " + e.getMessage()
                            + " (check free space and permissions)", e);
        } catch (InterruptedException e) {
            spool.discard();
            Thread.currentThread().interrupt();
            throw new StageException(backupId, database, Stage.DUMP, FailureReason.UNEXPECTED,
                    "the backup service was stopped during the dump of " + database, e);
        } catch (RuntimeException e) {
            spool.discard();
            throw new StageException(backupId, database, Stage.DUMP, FailureReason.UNEXPECTED,
                    "dump of " + database + " failed unexpectedly: " + e, e);
        }
    }

    private SpoolFile createSpool(BackupRequested request) {
        try {
            return SpoolFile.create(config.spool().dir(), request.backupId());
        } catch (IOException e) {
            throw new StageException(request.backupId(), request.database(), Stage.DUMP, FailureReason.SPOOL_UNWRITABLE,
                    "cannot create a spool file in " + config.spool().dir() + ": " + e.getMessage(), e);
        }
    }

    private void copyCompressed(InputStream archive, OutputStream spool) {
        try (ZstdOutputStream zstd = new ZstdOutputStream(new NonClosing(spool), config.dump().zstdLevel())) {
            archive.transferTo(zstd);
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
