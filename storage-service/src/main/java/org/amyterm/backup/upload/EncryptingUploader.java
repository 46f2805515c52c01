package org.amyterm.backup.upload;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.amyterm.backup.config.StorageConfig;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.contracts.integrity.HashingInputStream;
import org.amyterm.backup.contracts.integrity.HashingOutputStream;
import org.amyterm.backup.encrypt.OpenPgpEncryption;
import org.amyterm.backup.encrypt.RecipientKey;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.jboss.logging.Logger;

/**
 * Stores one spooled dump: spool file → hash (checked against the dump-time sha256) → OpenPGP
 * encryption → hash and count of the ciphertext → S3 multipart upload, in one streaming pass.
 * The object is only completed once the spool's checksum matched; then the manifest is written and
 * the spool file deleted.
 */
// created at start-up: a missing or unusable key stops the service with its reason, not the first backup
@Startup
@ApplicationScoped
public class EncryptingUploader {
    private static final Logger LOG = Logger.getLogger(EncryptingUploader.class);

    private final ObjectStore store;
    private final ObjectLayout layout;
    private final StorageConfig config;
    private final OpenPgpEncryption encryption;

    public EncryptingUploader(ObjectStore store, ObjectLayout layout, StorageConfig config) {
        this.store = store;
        this.layout = layout;
        this.config = config;
        this.encryption = new OpenPgpEncryption(RecipientKey.load(config.encryption().publicKeyFile()));
    }

    public BackupStored store(BackupCompleted dump) {
        String manifestKey = layout.manifestKey(dump.database(), dump.backupId());
        Optional<String> existing = call(dump, () -> store.getText(manifestKey));
        if (existing.isPresent()) {
            LOG.infof("backup %s of %s is already stored; announcing it again", dump.backupId(), dump.database());
            deleteSpool(spoolPath(dump), dump);
            return announce(EventJson.read(existing.get(), Manifest.class), manifestKey);
        }
        Path spool = spoolPath(dump);
        String objectKey = layout.dumpKey(dump.database(), dump.backupId());
        Manifest manifest;
        try (InputStream file = Files.newInputStream(spool);
                ObjectStore.Upload upload = call(dump, () -> store.startUpload(objectKey))) {
            HashingInputStream spooled = new HashingInputStream(file);
            HashingOutputStream ciphertext = new HashingOutputStream(upload.stream());
            try (OutputStream plaintext = encryption.encryptingStream(ciphertext, dump.backupId() + ".pgcustom.zst")) {
                spooled.transferTo(plaintext);
            }
            if (!spooled.sha256().equals(dump.spoolSha256()) || spooled.bytes() != dump.spoolBytes()) {
                throw new StageException(dump.backupId(), dump.database(), Stage.STORE, FailureReason.INTEGRITY_MISMATCH,
                        "spool file " + spool + " changed since the dump (sha256 " + spooled.sha256() + ", "
                                + spooled.bytes() + " bytes; the dump recorded " + dump.spoolSha256() + ", "
                                + dump.spoolBytes() + " bytes): the upload was aborted; take a new backup");
            }
            call(dump, upload::complete);
            manifest = manifest(dump, objectKey, ciphertext);
        } catch (NoSuchFileException e) {
            throw new StageException(dump.backupId(), dump.database(), Stage.STORE, FailureReason.SPOOL_MISSING,
                    "spool file " + spool + " is gone: was the spool cleaned, or is it not shared with the backup "
                            + "service? Take a new backup", e);
        } catch (IOException e) {
            Throwable cause = e.getCause() instanceof ObjectStoreException s ? s : e;
            boolean storeFailed = cause instanceof ObjectStoreException;
            throw new StageException(dump.backupId(), dump.database(), Stage.STORE,
                    storeFailed ? reasonOf((ObjectStoreException) cause) : FailureReason.SPOOL_MISSING,
                    (storeFailed ? "" : "reading spool file " + spool + " failed: ") + cause.getMessage(), e);
        }
        call(dump, () -> {
            store.putText(manifestKey, EventJson.write(manifest));
            return null;
        });
        deleteSpool(spool, dump);
        LOG.infof("stored %s (backup %s): %d bytes encrypted to %s", dump.database(), dump.backupId(),
                manifest.object().bytes(), encryption.keyId());
        return announce(manifest, manifestKey);
    }

    private Manifest manifest(BackupCompleted dump, String objectKey, HashingOutputStream ciphertext) {
        return new Manifest(Manifest.FORMAT_VERSION, dump.backupId(), dump.database(), dump.reason(), dump.nodeRole(),
                dump.pgServerVersion(), dump.pgDumpVersion(), dump.schemaVersion(), dump.tableRowCounts(),
                new Manifest.Archive(Manifest.Archive.PG_DUMP_CUSTOM, dump.compression(), dump.archiveBytes(),
                        dump.archiveSha256()),
                new Manifest.Encryption(Manifest.Encryption.OPENPGP_PUBLIC_KEY, encryption.algorithm(),
                        encryption.keyId(), null),
                new Manifest.StoredObject(objectKey, ciphertext.bytes(), ciphertext.sha256()),
                dump.startedAt(), dump.finishedAt(), Instant.now());
    }

    private BackupStored announce(Manifest manifest, String manifestKey) {
        Instant storedAt = manifest.storedAt() == null ? Instant.now() : manifest.storedAt();
        return new BackupStored(manifest.backupId(), manifest.database(), store.bucket(), manifest.object().key(), null,
                manifestKey, manifest.object().bytes(), manifest.object().sha256(), manifest.encryption().keyId(),
                manifest.encryption().algorithm(), config.retention().retentionClass(),
                storedAt.plus(config.retention().days(), ChronoUnit.DAYS), storedAt);
    }

    /** Deletes the spool file of a backup whose storing was given up: a dump nobody will store is a liability. */
    public void giveUp(BackupCompleted dump) {
        try {
            deleteSpool(spoolPath(dump), dump);
        } catch (StageException outsideSpool) {
            LOG.warnf("not deleting %s: %s", dump.spoolFile(), outsideSpool.getMessage());
        }
    }

    /** The spool file named by the event, refused unless it lies in the configured spool directory. */
    private Path spoolPath(BackupCompleted dump) {
        Path spoolDir = config.spoolDir().toAbsolutePath().normalize();
        Path file = Path.of(dump.spoolFile()).toAbsolutePath().normalize();
        if (!file.getParent().equals(spoolDir)) {
            throw new StageException(dump.backupId(), dump.database(), Stage.STORE, FailureReason.SPOOL_MISSING,
                    "the event names spool file " + file + ", which is outside the spool " + spoolDir
                            + " (amyterm.storage.spool-dir must match the backup service's spool)");
        }
        return file;
    }

    private void deleteSpool(Path spool, BackupCompleted dump) {
        try {
            Files.deleteIfExists(spool);
        } catch (IOException e) {
            LOG.warnf("backup %s of %s is stored, but its spool file %s could not be deleted: %s", dump.backupId(),
                    dump.database(), spool, e.getMessage());
        }
    }

    private static <T> T call(BackupCompleted dump, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (ObjectStoreException e) {
            throw new StageException(dump.backupId(), dump.database(), Stage.STORE, reasonOf(e), e.getMessage(), e);
        }
    }

    private static FailureReason reasonOf(ObjectStoreException e) {
        return e.isRetryable() ? FailureReason.STORE_UNAVAILABLE : FailureReason.STORE_REJECTED;
    }
}
