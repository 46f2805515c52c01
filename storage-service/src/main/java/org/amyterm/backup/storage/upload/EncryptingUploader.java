package org.amyterm.backup.storage.upload;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.amyterm.backup.storage.config.StorageConfig;
import org.amyterm.backup.storage.encrypt.OpenPgpEncryption;
import org.amyterm.backup.storage.spool.SpoolPaths;
import org.jboss.logging.Logger;

/**
 * Stores one completed dump: takes the upload that followed it, or encrypts and uploads the spool
 * file now, then completes the object only if what was read from the spool is exactly what the
 * dump recorded (size and sha256); then writes the manifest and deletes the spool file.
 */
@ApplicationScoped
public class EncryptingUploader {
    private static final Logger LOG = Logger.getLogger(EncryptingUploader.class);

    private final ObjectStore store;
    private final ObjectLayout layout;
    private final StorageConfig config;
    private final OpenPgpEncryption encryption;
    private final EncryptedObjectWriter writer;
    private final FollowedUploads followed;
    private final SpoolPaths spoolPaths;
    private final BackupLocks locks;

    public EncryptingUploader(ObjectStore store, ObjectLayout layout, StorageConfig config, OpenPgpEncryption encryption,
            EncryptedObjectWriter writer, FollowedUploads followed, SpoolPaths spoolPaths, BackupLocks locks) {
        this.store = store;
        this.layout = layout;
        this.config = config;
        this.encryption = encryption;
        this.writer = writer;
        this.followed = followed;
        this.spoolPaths = spoolPaths;
        this.locks = locks;
    }

    public BackupStored store(BackupCompleted dump) {
        return locks.withLock(dump.backupId(), () -> storeOnce(dump));
    }

    private BackupStored storeOnce(BackupCompleted dump) {
        String manifestKey = layout.manifestKey(dump.database(), dump.backupId());
        Path spool = spoolPaths.complete(dump);
        Optional<String> existing = call(dump, () -> store.getText(manifestKey));
        if (existing.isPresent()) {
            LOG.infof("backup %s of %s is already stored; announcing it again", dump.backupId(), dump.database());
            deleteSpool(spool, dump);
            return announce(EventJson.read(existing.get(), Manifest.class), manifestKey);
        }
        Optional<PreparedObject> following = followed.claim(dump.backupId(), dump.database());
        Manifest manifest;
        try (PreparedObject prepared = following.orElseGet(() -> writer.write(dump.backupId(), dump.database(),
                dump.spoolBytes(), () -> Files.newInputStream(spool)))) {
            if (!prepared.spoolSha256().equals(dump.spoolSha256()) || prepared.spoolBytes() != dump.spoolBytes()) {
                throw new StageException(dump.backupId(), dump.database(), Stage.STORE, FailureReason.INTEGRITY_MISMATCH,
                        "spool file " + spool + " is not what the dump wrote (read sha256 " + prepared.spoolSha256() + ", "
                                + prepared.spoolBytes() + " bytes; the dump recorded " + dump.spoolSha256() + ", "
                                + dump.spoolBytes() + " bytes): the upload was aborted; take a new backup");
            }
            call(dump, prepared.upload()::complete);
            manifest = manifest(dump, prepared);
        }
        call(dump, () -> {
            store.putText(manifestKey, EventJson.writeForPeople(manifest));
            return null;
        });
        deleteSpool(spool, dump);
        LOG.infof("stored %s (backup %s): %d bytes encrypted to %s%s", dump.database(), dump.backupId(),
                manifest.object().bytes(), encryption.keyId(), following.isPresent() ? ", uploaded while dumped" : "");
        return announce(manifest, manifestKey);
    }

    private Manifest manifest(BackupCompleted dump, PreparedObject prepared) {
        return new Manifest(Manifest.FORMAT_VERSION, dump.backupId(), dump.database(), dump.reason(), dump.nodeRole(),
                dump.pgServerVersion(), dump.pgDumpVersion(), dump.schemaVersion(), dump.tableRowCounts(),
                new Manifest.Archive(Manifest.Archive.PG_DUMP_CUSTOM, dump.compression(), dump.archiveBytes(),
                        dump.archiveSha256()),
                new Manifest.Encryption(Manifest.Encryption.OPENPGP_PUBLIC_KEY, encryption.algorithm(),
                        encryption.keyId(), null),
                new Manifest.StoredObject(layout.dumpKey(dump.database(), dump.backupId()), prepared.ciphertextBytes(),
                        prepared.ciphertextSha256()),
                dump.startedAt(), dump.finishedAt(), Instant.now());
    }

    private BackupStored announce(Manifest manifest, String manifestKey) {
        Instant storedAt = manifest.storedAt() == null ? Instant.now() : manifest.storedAt();
        return new BackupStored(manifest.backupId(), manifest.database(), store.bucket(), manifest.object().key(), null,
                manifestKey, manifest.object().bytes(), manifest.object().sha256(), manifest.encryption().keyId(),
                manifest.encryption().algorithm(), config.retention().retentionClass(),
                storedAt.plus(config.retention().days(), ChronoUnit.DAYS), storedAt);
    }

    /**
     * Decides the spool file's fate when storing is given up, and says it for the alert: a file that
     * is not what the dump wrote is deleted; any other is kept (unless configured otherwise) so the
     * dump can still be stored by hand once the cause is fixed.
     */
    public String giveUp(BackupCompleted dump, FailureReason reason) {
        Path spool;
        try {
            spool = spoolPaths.complete(dump);
        } catch (StageException notItsFile) {
            return "the spool file the event named was not touched";
        }
        if (!Files.exists(spool)) {
            return "no spool file is left";
        }
        if (reason != FailureReason.INTEGRITY_MISMATCH && config.retry().keepSpoolOnGiveUp()) {
            return "the spool file " + spool + " is kept: store it by hand (docs/runbook.md) or take a new backup, "
                    + "then delete it";
        }
        deleteSpool(spool, dump);
        return "the spool file was deleted (" + (reason == FailureReason.INTEGRITY_MISMATCH
                ? "it is not what the dump wrote" : "amyterm.storage.retry.keep-spool-on-give-up=false") + ")";
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
            throw EncryptedObjectWriter.failure(dump.backupId(), dump.database(), e);
        }
    }
}
