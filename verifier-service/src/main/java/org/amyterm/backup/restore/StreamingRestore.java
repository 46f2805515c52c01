package org.amyterm.backup.restore;

import com.github.luben.zstd.ZstdInputStream;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.amyterm.backup.config.VerifierConfig;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.contracts.integrity.HashingInputStream;
import org.amyterm.backup.decrypt.DecryptionKey;
import org.amyterm.backup.decrypt.OpenPgpDecryption;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.amyterm.backup.pgtools.PgClientProcess;
import org.bouncycastle.openpgp.PGPException;

/**
 * Restores a stored backup into an empty database in one streaming pass: object → hash of the
 * ciphertext → OpenPGP decryption (MDC checked at the end) → zstd → hash of the pg_dump archive
 * → {@code pg_restore}. No plaintext touches a disk. Only when both hashes match the manifest
 * and the MDC holds is the restore trusted.
 */
// created at start-up: a missing or unusable key stops the service with its reason, not the first backup
@Startup
@ApplicationScoped
public class StreamingRestore {
    private final ObjectStore store;
    private final StagingServer staging;
    private final VerifierConfig config;
    private final OpenPgpDecryption decryption;

    public StreamingRestore(ObjectStore store, StagingServer staging, VerifierConfig config) {
        this.store = store;
        this.staging = staging;
        this.config = config;
        this.decryption = new OpenPgpDecryption(DecryptionKey.load(config.decryption().privateKeyFile(),
                config.decryption().passphraseFile()));
    }

    public String pgRestoreVersion() {
        return PgClientProcess.version(config.restore().pgBinDir(), "pg_restore");
    }

    /** Restores into {@code targetDatabase}, which must exist and be empty. */
    public void restore(Manifest manifest, String targetDatabase, Stage stage) {
        VerifierConfig.Staging server = staging.settings();
        List<String> command = List.of(PgClientProcess.executable(config.restore().pgBinDir(), "pg_restore"),
                "--no-owner", "--no-privileges", "--exit-on-error", "--host=" + server.host(),
                "--port=" + server.port(), "--username=" + server.user(), "--no-password", "--dbname=" + targetDatabase);
        try (InputStream object = store.open(manifest.object().key());
                PgClientProcess pgRestore = PgClientProcess.start(command, server.password())) {
            HashingInputStream ciphertext = new HashingInputStream(object);
            HashingInputStream archive = new HashingInputStream(new ZstdInputStream(decryption.decryptingStream(ciphertext)));
            boolean restoredAll = copy(archive, pgRestore.stdin());
            int exit = pgRestore.await(config.restore().timeout());
            checkIntegrity(manifest, ciphertext, archive, stage);
            if (exit != 0 || !restoredAll) {
                throw new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.RESTORE_FAILED,
                        exit < 0 ? "pg_restore ran longer than amyterm.verifier.restore.timeout and was stopped"
                                : "pg_restore exited with " + exit + ": " + pgRestore.stderrTail());
            }
        } catch (OpenPgpDecryption.IntegrityException e) {
            throw new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.DECRYPTION_FAILED,
                    e.getMessage() + "; the stored object " + manifest.object().key() + " cannot be trusted", e);
        } catch (PGPException e) {
            throw new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.DECRYPTION_FAILED,
                    "cannot decrypt " + manifest.object().key() + ": " + e.getMessage()
                            + " (is amyterm.verifier.decryption.private-key-file the key of " + manifest.encryption().keyId() + "?)", e);
        } catch (ObjectStoreException e) {
            throw new StageException(manifest.backupId(), manifest.database(), stage,
                    e.isRetryable() ? FailureReason.STORE_UNAVAILABLE : FailureReason.BACKUP_NOT_FOUND, e.getMessage(), e);
        } catch (IOException e) {
            throw new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.DECRYPTION_FAILED,
                    "reading " + manifest.object().key() + " failed: " + e.getMessage()
                            + " (a truncated or damaged object fails here)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.UNEXPECTED,
                    "the verifier was stopped during the restore", e);
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

    private static void checkIntegrity(Manifest manifest, HashingInputStream ciphertext, HashingInputStream archive,
            Stage stage) {
        if (!ciphertext.sha256().equals(manifest.object().sha256())) {
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
}
