package org.amyterm.backup.verifier.restore;

import com.github.luben.zstd.ZstdInputStream;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.contracts.integrity.ChunkVerifyingInputStream;
import org.amyterm.backup.contracts.integrity.HashingInputStream;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.amyterm.backup.pgtools.PgClientProcess;
import org.amyterm.backup.pgtools.archive.ArchiveToc;
import org.amyterm.backup.verifier.config.VerifierConfig;
import org.amyterm.backup.verifier.decrypt.DecryptionKey;
import org.amyterm.backup.verifier.decrypt.KmsDataKeys;
import org.amyterm.backup.verifier.decrypt.OpenPgpDecryption;
import org.bouncycastle.openpgp.PGPException;

/**
 * Restores a stored backup into an empty database: object → proof of each chunk against the signed
 * manifest (or, for an object recorded without chunks, its whole hash) → OpenPGP decryption (MDC
 * checked at the end) → zstd → hash of the pg_dump archive → {@code pg_restore}, while the object
 * downloads. In {@code pipe} mode the archive streams into pg_restore and no plaintext touches a
 * disk; no byte reaches the decryption, let alone pg_restore, before the chunk holding it matched
 * its recorded sha256, so a replaced object (anyone may encrypt to public recipients) runs none of
 * its SQL. In {@code file} mode the archive goes to a private file that is checked before
 * {@code pg_restore --jobs} reads it, then deleted; a manifest that records no chunks (written
 * before they were) is always restored so. Only when the object's proof and the archive's hash
 * match the manifest and the MDC holds is the restore trusted.
 */
// created at start-up: a missing or unusable key stops the service with its reason, not the first backup
@Startup
@ApplicationScoped
public class StreamingRestore {
    private final ObjectStore store;
    private final StagingServer staging;
    private final VerifierConfig config;
    private final OpenPgpDecryption decryption;

    private final KmsDataKeys kms;

    public StreamingRestore(ObjectStore store, StagingServer staging, VerifierConfig config, KmsDataKeys kms) {
        this.kms = kms;
        this.store = store;
        this.staging = staging;
        this.config = config;
        if (config.restore().jobs() < 1) {
            throw new IllegalArgumentException("amyterm.verifier.restore.jobs must be at least 1, was "
                    + config.restore().jobs());
        }
        this.decryption = new OpenPgpDecryption(DecryptionKey.load(config.decryption().privateKeyFile().orElse(List.of()),
                config.decryption().passphraseFile()));
    }

    public String pgRestoreVersion() {
        return PgClientProcess.version(config.restore().pgBinDir(), "pg_restore");
    }

    /** Fails (retryably: it is a fault of this host, not of the backup) if pg_restore cannot be run. */
    public void requirePgRestore(Manifest manifest, Stage stage) {
        requirePgRestore(config.restore().pgBinDir(), manifest, stage);
    }

    static void requirePgRestore(java.util.Optional<Path> binDir, Manifest manifest, Stage stage) {
        if ("unknown".equals(PgClientProcess.version(binDir, "pg_restore"))) {
            throw new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.RESTORE_TOOL_MISSING,
                    "pg_restore cannot be run from " + binDir.map(Path::toString).orElse("the PATH")
                            + " (amyterm.verifier.restore.pg-bin-dir): install the PostgreSQL client of the backup's "
                            + "version or newer; the restore test is tried again");
        }
    }

    /**
     * Restores into the staging database {@code targetDatabase}, which must exist and be empty, and
     * returns pg_restore's warnings (without row data; none if it printed none).
     */
    public List<String> restore(Manifest manifest, String targetDatabase, Stage stage) {
        return restore(manifest, staging.target(targetDatabase), stage);
    }

    /** Restores into {@code target} (existing and empty), returning pg_restore's warnings. */
    public List<String> restore(Manifest manifest, PgTarget target, Stage stage) {
        return restore(manifest, () -> store.open(manifest.object().key()), target, stage);
    }

    /** Where an encrypted archive is read from: the bucket, or (a restore without a manifest) a file. */
    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;
    }

    /**
     * Restores the encrypted archive {@code source} describes with {@code manifest}. A manifest
     * without checksums (a restore of an object that has none) checks only what the bytes carry:
     * the OpenPGP integrity code (MDC) and that pg_restore reads them.
     */
    public List<String> restore(Manifest manifest, Source source, PgTarget target, Stage stage) {
        char[] passphrase = Manifest.Encryption.KMS_ENVELOPE.equals(manifest.encryption().mode())
                ? kms.passphrase(manifest, stage) : null;
        Manifest.StoredObject stored = manifest.object();
        try (InputStream download = new ObjectDownload(source.open())) {
            // each chunk proven against the signed manifest covers every byte of the object: hashing it
            // whole as well would prove nothing more, so the whole-object sha256 is checked only without chunks
            InputStream proven = proven(stored, download);
            HashingInputStream ciphertext = stored.hasChunks() ? null : new HashingInputStream(proven);
            HashingInputStream archive = new HashingInputStream(new ZstdInputStream(
                    decryption.decryptingStream(ciphertext == null ? proven : ciphertext, passphrase)));
            boolean provenWhileStreaming = stored.hasChunks() || stored.sha256() == null;
            String stderr = config.restore().mode() == VerifierConfig.Mode.file || !provenWhileStreaming
                    ? restoreThroughFile(manifest, target, stage, ciphertext, archive)
                    : restoreThroughPipe(manifest, target, stage, ciphertext, archive);
            return PgRestoreErrors.warnings(stderr);
        } catch (IOException | PGPException | RuntimeException e) {
            throw failure(manifest, stage, e, passphrase != null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.UNEXPECTED,
                    "the verifier was stopped during the restore", e);
        } finally {
            if (passphrase != null) {
                java.util.Arrays.fill(passphrase, '\0');
            }
        }
    }

    /** An archive's table of contents, and how many bytes of the object were downloaded to read it. */
    public record TableOfContents(ArchiveToc toc, long objectBytesRead) {
    }

    /**
     * Reads the table of contents at the start of the archive, downloading only the chunks that
     * hold it, each proven against the signed manifest before it is decrypted. An object recorded
     * without chunks has nothing to prove a part by: it is read whole, and its sha256 compared.
     */
    public TableOfContents tableOfContents(Manifest manifest, Stage stage) {
        char[] passphrase = Manifest.Encryption.KMS_ENVELOPE.equals(manifest.encryption().mode())
                ? kms.passphrase(manifest, stage) : null;
        Manifest.StoredObject stored = manifest.object();
        try {
            if (stored.hasChunks()) {
                ChunkRanges ranges = new ChunkRanges(store, stored.key(), stored.bytes(), stored.chunkBytes());
                try (InputStream download = new ObjectDownload(ranges)) {
                    ArchiveToc toc = ArchiveToc.read(archive(proven(stored, download), passphrase));
                    return new TableOfContents(toc, ranges.fetched());
                }
            }
            try (ObjectDownload download = new ObjectDownload(store.open(stored.key()))) {
                HashingInputStream ciphertext = new HashingInputStream(download);
                ArchiveToc toc = ArchiveToc.read(archive(ciphertext, passphrase));
                ciphertext.transferTo(OutputStream.nullOutputStream());
                if (stored.sha256() != null && !ciphertext.sha256().equals(stored.sha256())) {
                    throw new StageException(manifest.backupId(), manifest.database(), stage,
                            FailureReason.INTEGRITY_MISMATCH, "the stored object's sha256 is " + ciphertext.sha256()
                                    + ", the manifest says " + stored.sha256() + ": the object was altered or replaced");
                }
                return new TableOfContents(toc, download.bytes());
            }
        } catch (ArchiveToc.NotAnArchiveException e) {
            throw new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.RESTORE_FAILED,
                    "the decrypted archive is not one pg_restore reads: " + e.getMessage(), e);
        } catch (IOException | PGPException | RuntimeException e) {
            throw failure(manifest, stage, e, passphrase != null);
        } finally {
            if (passphrase != null) {
                java.util.Arrays.fill(passphrase, '\0');
            }
        }
    }

    private InputStream archive(InputStream ciphertext, char[] passphrase) throws IOException, PGPException {
        return new java.io.BufferedInputStream(new ZstdInputStream(decryption.decryptingStream(ciphertext, passphrase)),
                1 << 16);
    }

    /**
     * The object, each chunk proven against the manifest before a byte of it is passed on (the
     * first one now), when the manifest records chunks; as downloaded otherwise.
     */
    private static InputStream proven(Manifest.StoredObject stored, InputStream download) throws IOException {
        if (!stored.hasChunks()) {
            return download;
        }
        ChunkVerifyingInputStream chunks = new ChunkVerifyingInputStream(download, stored.chunkBytes(), stored.chunkSha256());
        chunks.prove();
        return chunks;
    }

    /**
     * The backup's roles and tablespaces ({@code globals.sql.gpg}) as SQL, decrypted and checked
     * against the manifest's sha256; small (role definitions), so read whole.
     */
    public String globals(Manifest manifest, Stage stage) {
        Manifest.Globals globals = manifest.globals();
        if (globals == null) {
            throw new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.BACKUP_NOT_FOUND,
                    "this backup holds no roles (globals.sql.gpg; backups taken before roles were kept): create the "
                            + "missing roles by hand");
        }
        // a KMS-envelope globals file has its own data key, wrapped under the same context
        Manifest own = new Manifest(manifest.formatVersion(), manifest.backupId(), manifest.database(), manifest.reason(),
                manifest.nodeRole(), manifest.pgServerVersion(), manifest.pgDumpVersion(), manifest.schemaVersion(),
                manifest.tableRowCounts(), manifest.archive(), globals.encryption(), globals.object(),
                manifest.dumpStartedAt(), manifest.dumpFinishedAt(), manifest.storedAt(), manifest.dumpDetails(), globals);
        char[] passphrase = Manifest.Encryption.KMS_ENVELOPE.equals(globals.encryption().mode())
                ? kms.passphrase(own, stage) : null;
        try (InputStream object = new ObjectDownload(store.open(globals.object().key()))) {
            HashingInputStream sql = new HashingInputStream(decryption.decryptingStream(object, passphrase));
            byte[] bytes = sql.readAllBytes();
            if (!sql.sha256().equals(globals.plaintextSha256())) {
                throw new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.INTEGRITY_MISMATCH,
                        "the decrypted roles file's sha256 is " + sql.sha256() + ", the manifest says "
                                + globals.plaintextSha256());
            }
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException | PGPException | RuntimeException e) {
            throw failure(own, stage, e, passphrase != null);
        } finally {
            if (passphrase != null) {
                java.util.Arrays.fill(passphrase, '\0');
            }
        }
    }

    /**
     * The one mapping of a failed restore to its reason. A broken download is a fault (retried);
     * what the bytes are (a failed MDC, an undecryptable or unreadable message) is a verdict on the
     * backup, and only then is it called untrustworthy.
     */
    static StageException failure(Manifest manifest, Stage stage, Exception e, boolean kmsMode) {
        if (e instanceof StageException stageFailure) {
            return stageFailure;
        }
        java.util.Optional<ObjectDownload.Interrupted> cut = ObjectDownload.Interrupted.in(e);
        if (cut.isPresent()) {
            return new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.STORE_UNAVAILABLE,
                    "downloading " + manifest.object().key() + " failed (" + cut.get().getMessage() + "); this says "
                            + "nothing about the backup, and the restore is tried again", e);
        }
        String key = manifest.object().key();
        if (e instanceof ChunkVerifyingInputStream.ChunkMismatchException) {
            return new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.INTEGRITY_MISMATCH,
                    "the stored object " + key + " is not the one its signed manifest records: " + e.getMessage()
                            + "; nothing of it was restored", e);
        }
        if (e instanceof OpenPgpDecryption.IntegrityException) {
            return new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.DECRYPTION_FAILED,
                    e.getMessage() + "; the stored object " + key + " cannot be trusted", e);
        }
        if (e instanceof PGPException) {
            return new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.DECRYPTION_FAILED,
                    "cannot decrypt " + key + ": " + e.getMessage() + (kmsMode ? "" : " (does "
                            + "amyterm.verifier.decryption.private-key-file hold a key of "
                            + manifest.encryption().recipients() + "?)"), e);
        }
        if (e instanceof ObjectStoreException storeFailure) {
            return storeFailure.failure(manifest.backupId(), manifest.database(), stage, "");
        }
        if (e instanceof WorkFileException) {
            return new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.STAGING_UNAVAILABLE,
                    "writing the archive to the work directory failed: " + e.getCause().getMessage()
                            + " (check its free space and permissions, amyterm.verifier.restore.work-dir)", e);
        }
        if (e instanceof IOException) {
            return new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.DECRYPTION_FAILED,
                    "reading " + key + " failed: " + e.getMessage() + " (a truncated or damaged object fails here)", e);
        }
        return new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.UNEXPECTED,
                "the restore failed unexpectedly: " + e, e);
    }

    private String restoreThroughPipe(Manifest manifest, PgTarget target, Stage stage, HashingInputStream ciphertext,
            HashingInputStream archive) throws IOException, InterruptedException {
        try (PgClientProcess pgRestore = PgClientProcess.start(command(target, List.of()), target.password())) {
            Fed fed = feed(archive, pgRestore, config.restore().timeout());
            checkIntegrity(manifest, ciphertext, archive, stage);
            requireSuccess(manifest, target, stage, pgRestore, fed.exit(), fed.restoredAll());
            return pgRestore.stderrTail();
        }
    }

    /** How feeding pg_restore ended: whether it read the whole archive, and its exit code (-1: it overran). */
    record Fed(boolean restoredAll, int exit) {
    }

    /**
     * Feeds the archive into pg_restore and waits for it, all within {@code timeout}: a pg_restore
     * that stops reading (blocked on a lock, hung) is stopped when the time is up, so the feeding
     * never waits on a full pipe for ever; the rest of the archive is still read for the integrity checks.
     */
    static Fed feed(InputStream archive, PgClientProcess pgRestore, java.time.Duration timeout)
            throws IOException, InterruptedException {
        java.time.Instant deadline = java.time.Instant.now().plus(timeout);
        java.util.concurrent.atomic.AtomicBoolean overran = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            overran.set(true);
            pgRestore.close();
        }, timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            boolean restoredAll = copy(archive, pgRestore.stdin());
            java.time.Duration left = java.time.Duration.between(java.time.Instant.now(), deadline);
            int exit = overran.get() ? -1 : pgRestore.await(left.isNegative() ? java.time.Duration.ofMillis(1) : left);
            return new Fed(restoredAll && !overran.get(), overran.get() ? -1 : exit);
        } finally {
            watchdog.cancel(false);
        }
    }

    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "pg-restore-watchdog");
                thread.setDaemon(true);
                return thread;
            });

    private String restoreThroughFile(Manifest manifest, PgTarget target, Stage stage, HashingInputStream ciphertext,
            HashingInputStream archive) throws IOException, InterruptedException {
        Path file = workFile(target.database());
        try {
            try (OutputStream out = new WorkFileStream(Files.newOutputStream(file))) {
                archive.transferTo(out);
            }
            checkIntegrity(manifest, ciphertext, archive, stage); // nothing of an untrusted archive runs
            try (PgClientProcess pgRestore = PgClientProcess.start(command(target,
                    List.of("--jobs=" + config.restore().jobs(), file.toString())), target.password())) {
                pgRestore.stdin().close();
                requireSuccess(manifest, target, stage, pgRestore, pgRestore.await(config.restore().timeout()), true);
                return pgRestore.stderrTail();
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private Path workFile(String targetDatabase) throws WorkFileException {
        try {
            Path dir = config.restore().workDir();
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Path file = dir.resolve(targetDatabase + ".pgcustom");
            Files.deleteIfExists(file);
            return Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw new WorkFileException(e);
        }
    }

    private List<String> command(PgTarget target, List<String> extra) {
        List<String> command = new ArrayList<>(List.of(PgClientProcess.executable(config.restore().pgBinDir(), "pg_restore"),
                "--no-owner", "--exit-on-error", "--host=" + target.host(), "--port=" + target.port(),
                "--username=" + target.user(), "--no-password", "--dbname=" + target.database()));
        command.addAll(target.options());
        command.addAll(extra);
        return command;
    }

    private void requireSuccess(Manifest manifest, PgTarget target, Stage stage, PgClientProcess pgRestore, int exit,
            boolean restoredAll) {
        if (exit > 0 && PgRestoreErrors.lostConnection(pgRestore.stderrTail())) {
            // the server stopped or the network failed under pg_restore: says nothing about the backup
            throw new StageException(manifest.backupId(), manifest.database(), stage, stage == Stage.VERIFY
                    ? FailureReason.STAGING_UNAVAILABLE : FailureReason.RESTORE_TARGET_UNREACHABLE,
                    "pg_restore lost its connection to " + target.host() + ":" + target.port() + " (exit " + exit + ": "
                            + PgRestoreErrors.reduce(pgRestore.stderrTail()) + "); a fault of the server or the "
                            + "network, not a verdict on the backup: it is tried again");
        }
        if (exit != 0 || !restoredAll && !target.chosenEntriesOnly()) {
            throw new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.RESTORE_FAILED,
                    exit < 0 ? "pg_restore ran longer than amyterm.verifier.restore.timeout and was stopped"
                            : "pg_restore exited with " + exit + ": " + PgRestoreErrors.reduce(pgRestore.stderrTail()));
        }
    }

    /**
     * Copies the whole archive into pg_restore, and returns whether pg_restore read all of it. A
     * failure to read is a damaged backup and propagates. If pg_restore stops reading, the rest is
     * still read (and discarded) so the integrity checks decide whether the backup or the restore
     * is at fault.
     */
    private static boolean copy(InputStream archive, OutputStream pgRestore) throws IOException {
        byte[] buffer = new byte[1 << 16];
        boolean accepted = true;
        try {
            int n;
            while ((n = archive.read(buffer)) > 0) {
                if (accepted) {
                    try {
                        pgRestore.write(buffer, 0, n);
                    } catch (IOException stoppedReading) {
                        accepted = false;
                    }
                }
            }
            return accepted;
        } finally {
            try {
                pgRestore.close();
            } catch (IOException stoppedReading) {
                // pg_restore is gone; its exit code tells why
            }
        }
    }

    /** {@code ciphertext} is null where the object's chunks were each proven while it streamed. */
    private static void checkIntegrity(Manifest manifest, HashingInputStream ciphertext, HashingInputStream archive,
            Stage stage) {
        if (manifest.object().sha256() == null) {
            return; // nothing recorded to compare with: the MDC, checked at the end of decryption, is what vouches
        }
        if (ciphertext != null && !ciphertext.sha256().equals(manifest.object().sha256())) {
            throw new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.INTEGRITY_MISMATCH,
                    "the stored object's sha256 is " + ciphertext.sha256() + ", the manifest says "
                            + manifest.object().sha256() + ": the object was altered or replaced");
        }
        if (!archive.sha256().equals(manifest.archive().sha256())) {
            throw new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.INTEGRITY_MISMATCH,
                    "the decrypted archive's sha256 is " + archive.sha256() + ", the dump recorded "
                            + manifest.archive().sha256());
        }
    }

    /** A write to the private work file failed: the verifier's disk, not the backup, is at fault. */
    private static final class WorkFileException extends IOException {
        WorkFileException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Marks failures of writing the work file, so they are not mistaken for a damaged backup. */
    private static final class WorkFileStream extends FilterOutputStream {
        WorkFileStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws WorkFileException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new WorkFileException(e);
            }
        }

        @Override
        public void close() throws WorkFileException {
            try {
                out.close();
            } catch (IOException e) {
                throw new WorkFileException(e);
            }
        }
    }
}
