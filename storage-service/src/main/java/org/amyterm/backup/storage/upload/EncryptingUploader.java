package org.amyterm.backup.storage.upload;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
import org.amyterm.backup.storage.metrics.StorageMetrics;
import org.amyterm.backup.storage.retention.RetainUntil;
import org.amyterm.backup.openpgp.DetachedSigner;
import org.amyterm.backup.openpgp.SignatureCheck;
import org.amyterm.backup.storage.sign.StoredManifestCheck;
import org.amyterm.backup.storage.spool.KeptDumpRecords;
import org.amyterm.backup.storage.spool.SpoolPaths;
import org.jboss.logging.Logger;

/**
 * Stores one completed dump: takes the upload that followed it, or encrypts and uploads the spool
 * file now, then completes the object only if what was read from the spool is exactly what the
 * dump recorded (size and sha256) and no other attempt stored it first; then writes the manifest
 * and its signature and deletes the spool file, which goes only on the word of a manifest that
 * proves itself and names this dump. Two replicas storing one backup end with one
 * object and the one manifest that describes it: the object is completed only if absent, and only
 * the attempt that completed it writes the manifest.
 */
@ApplicationScoped
public class EncryptingUploader {
    private static final Logger LOG = Logger.getLogger(EncryptingUploader.class);

    private final ObjectStore store;
    private final ObjectLayout layout;
    private final StorageConfig config;
    private final EncryptedObjectWriter writer;
    private final FollowedUploads followed;
    private final SpoolPaths spoolPaths;
    private final BackupLocks locks;
    private final DetachedSigner signer;
    private final StorageMetrics metrics;
    private final RetainUntil retainUntil;
    private final StoredManifestCheck storedManifests;
    private final KeptDumpRecords records;

    public EncryptingUploader(ObjectStore store, ObjectLayout layout, StorageConfig config, EncryptedObjectWriter writer,
            FollowedUploads followed, SpoolPaths spoolPaths, BackupLocks locks, DetachedSigner signer,
            StorageMetrics metrics, RetainUntil retainUntil, StoredManifestCheck storedManifests,
            KeptDumpRecords records) {
        this.storedManifests = storedManifests;
        this.records = records;
        this.retainUntil = retainUntil;
        this.signer = signer;
        this.metrics = metrics;
        this.store = store;
        this.layout = layout;
        this.config = config;
        this.writer = writer;
        this.followed = followed;
        this.spoolPaths = spoolPaths;
        this.locks = locks;
    }

    public BackupStored store(BackupCompleted dump) {
        return locks.withLock(dump.backupId(), () -> storeOnce(dump));
    }

    private BackupStored storeOnce(BackupCompleted dump) {
        Instant started = Instant.now();
        String manifestKey = layout.manifestKey(dump.database(), dump.backupId());
        Path spool = spoolPaths.complete(dump);
        Optional<BackupStored> stored = alreadyStored(dump, manifestKey, spool);
        if (stored.isPresent()) {
            return stored.get();
        }
        removeAbandonedObject(dump);
        Optional<PreparedObject> following = followed.claim(dump.backupId(), dump.database());
        if (following.isEmpty()) {
            LOG.infof("storing %s (backup %s) from the spool file %s", dump.database(), dump.backupId(), spool);
        }
        Manifest manifest;
        Instant lockedUntil = retainUntil.of(dump.reason(), dump.startedAt());
        PreparedObject first = following.orElseGet(() -> writeFromSpool(dump, spool, lockedUntil));
        try (PreparedObject prepared = matching(dump, spool, first, lockedUntil, following.isPresent())) {
            if (!call(dump, prepared.upload()::completeIfAbsent)) {
                // another replica (or a lost answer to our own earlier attempt) completed the object first: its manifest follows
                throw new StoredByAnotherAttempt(dump);
            }
            manifest = manifest(dump, prepared, storeGlobals(dump, lockedUntil));
        }
        String text = EventJson.writeForPeople(manifest);
        writeSignedManifest(dump, manifestKey, text, lockedUntil);
        deleteSpool(spool, dump);
        metrics.stored(dump.database(), dump.reason().retentionClass(), manifest.object().bytes(),
                Duration.between(started, Instant.now()), following.isPresent());
        LOG.infof("stored %s (backup %s): %d bytes encrypted (%s, %s), manifest signed by %s%s", dump.database(),
                dump.backupId(), manifest.object().bytes(), manifest.encryption().mode(), manifest.encryption().keyId(),
                signer.fingerprint(),
                following.isPresent() ? ", uploaded while dumped" : "");
        return announce(manifest, manifestKey);
    }

    private PreparedObject writeFromSpool(BackupCompleted dump, Path spool, Instant lockedUntil) {
        return writer.write(dump.backupId(), dump.database(), dump.spoolBytes(), lockedUntil, () -> Files.newInputStream(spool));
    }

    /**
     * {@code prepared} if it holds exactly what the dump recorded. An upload that followed the
     * growing file and differs (a stale read of a shared spool, say) is aborted and the complete
     * file stored again; only a file that still differs is not what the dump wrote.
     */
    private PreparedObject matching(BackupCompleted dump, Path spool, PreparedObject prepared, Instant lockedUntil,
            boolean followedTheDump) {
        if (prepared.spoolSha256().equals(dump.spoolSha256()) && prepared.spoolBytes() == dump.spoolBytes()) {
            return prepared;
        }
        prepared.close();
        if (followedTheDump) {
            LOG.warnf("the upload that followed the dump of %s (backup %s) read sha256 %s, %d bytes, not what the dump "
                    + "recorded: aborted; storing the complete spool file again", dump.database(), dump.backupId(),
                    prepared.spoolSha256(), prepared.spoolBytes());
            return matching(dump, spool, writeFromSpool(dump, spool, lockedUntil), lockedUntil, false);
        }
        throw new StageException(dump.backupId(), dump.database(), Stage.STORE, FailureReason.INTEGRITY_MISMATCH,
                "spool file " + spool + " is not what the dump wrote (read sha256 " + prepared.spoolSha256() + ", "
                        + prepared.spoolBytes() + " bytes; the dump recorded " + dump.spoolSha256() + ", "
                        + dump.spoolBytes() + " bytes): the upload was aborted; take a new backup");
    }

    /**
     * The manifest first, only if absent, then its signature by the attempt whose manifest it is:
     * a stale replica never writes a signature over another's manifest (its conditional write of the
     * manifest fails first), and an attempt that finds a signature that does not match the manifest
     * it wrote replaces it, so racing replicas end with one pair that verifies.
     */
    private void writeSignedManifest(BackupCompleted dump, String manifestKey, String text, Instant lockedUntil) {
        String signatureKey = layout.manifestSignatureKey(dump.database(), dump.backupId());
        if (!call(dump, () -> store.putTextIfAbsent(manifestKey, text, lockedUntil))) {
            throw new StoredByAnotherAttempt(dump); // the next attempt judges the manifest it finds
        }
        String signature = signer.sign(text);
        if (call(dump, () -> store.putTextIfAbsent(signatureKey, signature, lockedUntil))) {
            return;
        }
        Optional<String> found = call(dump, () -> store.getText(signatureKey));
        if (found.isPresent() && storedManifests.check().verifies(text, found)) {
            return; // our own, from an attempt whose answer was lost
        }
        if (call(dump, () -> store.getText(manifestKey)).filter(text::equals).isEmpty()) {
            throw new StoredByAnotherAttempt(dump);
        }
        LOG.warnf("the signature beside the manifest of backup %s of %s was not written for it (a stalled attempt's); "
                + "replacing it", dump.backupId(), dump.database());
        call(dump, () -> {
            store.putText(signatureKey, signature, lockedUntil);
            return null;
        });
    }

    /**
     * A backup whose manifest is proven (signed by a trusted storage key, bound to its folder, naming
     * this dump's archive) is stored: its spool file is removed and it is announced again. A
     * manifest without its signature is an attempt between its two writes, or one that died there
     * (then, once older than {@code abandoned-object-age}, it is removed and the backup stored anew);
     * any other manifest is a verdict, and the spool file stays.
     */
    private Optional<BackupStored> alreadyStored(BackupCompleted dump, String manifestKey, Path spool) {
        Optional<String> existing = call(dump, () -> store.getText(manifestKey));
        if (existing.isEmpty()) {
            return Optional.empty();
        }
        String signatureKey = layout.manifestSignatureKey(dump.database(), dump.backupId());
        Optional<String> signature = call(dump, () -> store.getText(signatureKey, SignatureCheck.MAX_SIGNATURE_BYTES));
        if (signature.isEmpty()) {
            if (removeIfAbandoned(dump, manifestKey, "written by an attempt that never signed it")) {
                return Optional.empty();
            }
            throw new StoredByAnotherAttempt(dump);
        }
        Manifest manifest;
        try {
            storedManifests.signer(existing.get(), signature);
            manifest = EventJson.read(existing.get(), Manifest.class);
        } catch (SignatureCheck.Untrusted | org.amyterm.backup.contracts.MalformedEventException e) {
            throw untrusted(dump, e.getMessage());
        }
        Optional<String> problem = manifest.bindingProblem(layout, dump.database(), dump.backupId());
        if (problem.isEmpty() && !dump.archiveSha256().equals(manifest.archive().sha256())) {
            problem = Optional.of("the manifest names the archive " + manifest.archive().sha256() + ", this dump is "
                    + dump.archiveSha256());
        }
        if (problem.isPresent()) {
            throw untrusted(dump, problem.get());
        }
        LOG.infof("backup %s of %s is already stored; announcing it again", dump.backupId(), dump.database());
        deleteSpool(spool, dump);
        return Optional.of(announce(manifest, manifestKey));
    }

    private static StageException untrusted(BackupCompleted dump, String why) {
        return new StageException(dump.backupId(), dump.database(), Stage.STORE, FailureReason.MANIFEST_UNTRUSTED,
                "a manifest this service cannot trust is in the backup's folder (" + why + "): the spool file is kept "
                        + "and nothing was stored; find out who wrote it, remove it, then store the dump again");
    }

    /**
     * An object without a manifest, older than any attempt takes between completing it and writing
     * its manifest ({@code amyterm.storage.retry.abandoned-object-age}), was left by an attempt that
     * died in between: no manifest describes it, so it is removed and this attempt stores the backup anew.
     */
    private void removeAbandonedObject(BackupCompleted dump) {
        removeIfAbandoned(dump, layout.dumpKey(dump.database(), dump.backupId()), "stored by an attempt that wrote no manifest");
    }

    /** Removes {@code key} if it is older than {@code amyterm.storage.retry.abandoned-object-age}; whether it did. */
    private boolean removeIfAbandoned(BackupCompleted dump, String key, String why) {
        Optional<Instant> written = call(dump, () -> store.lastModified(key));
        if (written.isEmpty() || !written.get().plus(config.retry().abandonedObjectAge()).isBefore(Instant.now())) {
            return false;
        }
        LOG.warnf("removing %s (%s, at %s)", key, why, written.get());
        call(dump, () -> {
            store.delete(key);
            return null;
        });
        return true;
    }

    /**
     * Encrypts and stores the roles and tablespaces the dump came with (only the attempt that
     * completed the dump's object gets here, so it may overwrite what a dead attempt left).
     */
    private Manifest.Globals storeGlobals(BackupCompleted dump, Instant lockedUntil) {
        Optional<Path> file = spoolPaths.globals(dump);
        if (file.isEmpty()) {
            return null; // a dump from before roles were captured
        }
        String key = layout.globalsKey(dump.database(), dump.backupId());
        try (PreparedObject prepared = writer.write(key, dump.backupId() + ".globals.sql", dump.backupId(),
                dump.database(), dump.globals().bytes(), lockedUntil, () -> Files.newInputStream(file.get()))) {
            if (!prepared.spoolSha256().equals(dump.globals().sha256()) || prepared.spoolBytes() != dump.globals().bytes()) {
                throw new StageException(dump.backupId(), dump.database(), Stage.STORE, FailureReason.INTEGRITY_MISMATCH,
                        "the roles file " + file.get() + " is not what the dump wrote (read sha256 "
                                + prepared.spoolSha256() + "; the dump recorded " + dump.globals().sha256()
                                + "): take a new backup");
            }
            call(dump, prepared.upload()::complete);
            return new Manifest.Globals(prepared.stored(key), prepared.spoolBytes(), prepared.spoolSha256(),
                    prepared.encryption());
        }
    }

    private Manifest manifest(BackupCompleted dump, PreparedObject prepared, Manifest.Globals globals) {
        return new Manifest(Manifest.FORMAT_VERSION, dump.backupId(), dump.database(), dump.reason(), dump.nodeRole(),
                dump.pgServerVersion(), dump.pgDumpVersion(), dump.schemaVersion(), dump.tableRowCounts(),
                new Manifest.Archive(Manifest.Archive.PG_DUMP_CUSTOM, dump.compression(), dump.archiveBytes(),
                        dump.archiveSha256()),
                prepared.encryption(),
                prepared.stored(layout.dumpKey(dump.database(), dump.backupId())),
                dump.startedAt(), dump.finishedAt(), Instant.now(), dump.dumpDetails(), globals);
    }

    private BackupStored announce(Manifest manifest, String manifestKey) {
        Instant storedAt = manifest.storedAt() == null ? Instant.now() : manifest.storedAt();
        String retentionClass = manifest.reason() == null ? "daily" : manifest.reason().retentionClass();
        return new BackupStored(manifest.backupId(), manifest.database(), store.bucket(), manifest.object().key(), null,
                manifestKey, manifest.object().bytes(), manifest.object().sha256(), manifest.encryption().keyId(),
                manifest.encryption().algorithm(), retentionClass, retainUntil.of(manifest.reason(), manifest.dumpStartedAt() == null
                        ? storedAt : manifest.dumpStartedAt()), storedAt);
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
        if (reason == FailureReason.MANIFEST_UNTRUSTED || reason != FailureReason.INTEGRITY_MISMATCH
                && config.retry().keepSpoolOnGiveUp()) {
            // an untrusted manifest in the folder says nothing about the dump: it is never a reason to delete it
            records.keep(dump);
            return "the spool file " + spool + " is kept and stored by itself once the cause is fixed (tried every "
                    + "amyterm.storage.kept.retry-every, or now: amyterm-backup store-kept; removed after "
                    + "amyterm.storage.kept.max-age)";
        }
        deleteSpool(spool, dump);
        return "the spool file was deleted (" + (reason == FailureReason.INTEGRITY_MISMATCH
                ? "it is not what the dump wrote" : "amyterm.storage.retry.keep-spool-on-give-up=false") + ")";
    }

    /** Removes a kept dump from the spool: its file, the roles file beside it and its kept-dump record. */
    public void discard(BackupCompleted dump) {
        deleteSpool(spoolPaths.complete(dump), dump);
    }

    /** Deletes the dump's spool file and the roles file beside it. */
    private void deleteSpool(Path spool, BackupCompleted dump) {
        try {
            Files.deleteIfExists(spool);
            records.forget(dump.backupId());
            Optional<Path> globals = spoolPaths.globals(dump);
            if (globals.isPresent()) {
                Files.deleteIfExists(globals.get());
            }
        } catch (IOException e) {
            LOG.warnf("the spool file %s of backup %s of %s could not be deleted: %s", spool, dump.backupId(),
                    dump.database(), e.getMessage());
        }
    }

    private static <T> T call(BackupCompleted dump, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (ObjectStoreException e) {
            throw EncryptedObjectWriter.failure(dump.backupId(), dump.database(), e);
        }
    }

    /**
     * Another replica, or an earlier attempt whose answer was lost, completed this backup's object
     * first. Retried like an outage, but without an alert: the next attempt finds its manifest (or,
     * if that attempt died before writing one, removes the abandoned object and stores anew).
     */
    static final class StoredByAnotherAttempt extends StageException {
        StoredByAnotherAttempt(BackupCompleted dump) {
            super(dump.backupId(), dump.database(), Stage.STORE, FailureReason.STORE_UNAVAILABLE, "another attempt "
                    + "stored the object of backup " + dump.backupId() + " first; this one waits for its manifest");
        }
    }
}
