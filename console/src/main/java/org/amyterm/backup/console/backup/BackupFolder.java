package org.amyterm.backup.console.backup;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.amyterm.backup.contracts.BackupExpired;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.contracts.Verification;
import org.amyterm.backup.objectstore.CatalogueTrust;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStore.StoredObjectInfo;

/**
 * The signed files of one backup's folder (manifest, evidence of every verification, failure and
 * expiry records), each read size-capped and proven before it is shown, as the catalogue proves
 * it: signed by the right key and bound to its folder (evidence to the object the folder's trusted
 * manifest records). The bucket is not trusted: a file that does not prove itself is listed as not
 * trusted, with the reason, and its content is never shown as fact.
 */
@ApplicationScoped
public class BackupFolder {
    private final ObjectStore store;
    private final ObjectLayout layout;
    private final CatalogueTrust trust;

    public BackupFolder(ObjectStore store, ObjectLayout layout, CatalogueTrust trust) {
        this.store = store;
        this.layout = layout;
        this.trust = trust;
    }

    /** The folder's signed files, the manifest first, then the others by name. */
    public List<FolderFile> files(String database, String backupId) {
        List<StoredObjectInfo> objects = new ArrayList<>();
        StoredObjectInfo manifestObject = null;
        for (StoredObjectInfo object : store.listObjects(layout.backupFolder(database, backupId))) {
            Optional<ObjectLayout.Location> location = layout.parse(object.key());
            if (location.isPresent() && isSignedRecord(location.get().file())) {
                objects.add(object);
                if (location.get().file().equals(ObjectLayout.MANIFEST_FILE)) {
                    manifestObject = object;
                }
            }
        }
        // evidence vouches only for the backup whose trusted manifest names the object it tested
        Proven manifest = manifestObject == null ? null : read(manifestObject, Optional.empty());
        List<FolderFile> files = new ArrayList<>();
        for (StoredObjectInfo object : objects) {
            files.add(object == manifestObject ? manifest.file()
                    : read(object, Optional.ofNullable(manifest).flatMap(Proven::manifest)).file());
        }
        files.sort(Comparator.comparing((FolderFile f) -> !f.name().equals(ObjectLayout.MANIFEST_FILE))
                .thenComparing(FolderFile::name));
        return files;
    }

    /** The text of one signed file of the folder or of its signature; empty for any other name. */
    public Optional<String> text(String database, String backupId, String file) {
        String record = file.endsWith(ObjectLayout.SIGNATURE_SUFFIX)
                ? file.substring(0, file.length() - ObjectLayout.SIGNATURE_SUFFIX.length()) : file;
        if (!isSignedRecord(record) || file.contains("/")) {
            return Optional.empty();
        }
        return store.getText(layout.backupFolder(database, backupId) + file);
    }

    static boolean isSignedRecord(String file) {
        return file.endsWith(".json") && !file.contains("/");
    }

    /** A file as shown, and the manifest it proved to be, if it is the folder's trusted manifest. */
    private record Proven(FolderFile file, Optional<Manifest> manifest) {
    }

    /**
     * Reads one file, size-capped, and proves it as the catalogue would: signed by the right key,
     * bound to its folder (a manifest to its backup, a failure, expiry or restore record to its backup, evidence
     * to the object {@code manifest} records). Anything else is shown as not trusted, with the reason.
     */
    private Proven read(StoredObjectInfo object, Optional<Manifest> manifest) {
        ObjectLayout.Location location = layout.parse(object.key()).orElseThrow();
        String name = location.file();
        Optional<String> text;
        try {
            text = store.getText(object.key());
        } catch (RuntimeException e) {
            return untrusted(location, object, "it cannot be read: " + e.getMessage());
        }
        if (text.isEmpty()) {
            return untrusted(location, object, "it is gone or larger than a record may be");
        }
        Optional<String> signature = store.getText(ObjectLayout.signatureKey(object.key()));
        try {
            String signer = trust.signer(location, text.get(), signature);
            if (name.equals(ObjectLayout.MANIFEST_FILE)) {
                Manifest proven = trust.manifest(location, text.get(), signature);
                return new Proven(new FolderFile(name, object.size(), signer, null, Optional.empty()), Optional.of(proven));
            }
            if (name.startsWith("verification")) {
                Verification evidence = trust.evidence(location, text.get(), signature);
                Manifest vouchedFor = manifest.orElseThrow(() -> new CatalogueTrust.Untrusted(
                        "the backup's manifest is not trusted, so no evidence can vouch for it"));
                CatalogueTrust.bound(location, evidence, vouchedFor);
                return new Proven(new FolderFile(name, object.size(), signer, null, Optional.of(evidence)), Optional.empty());
            }
            if (name.equals(ObjectLayout.FAILURE_FILE)) {
                trust.record(location, text.get(), signature, StageFailed.class, StageFailed::backupId);
            } else if (name.equals(ObjectLayout.EXPIRED_FILE)) {
                trust.record(location, text.get(), signature, BackupExpired.class, BackupExpired::backupId);
            } else if (ObjectLayout.isRestoreRecord(name)) {
                trust.restoreRecord(location, text.get(), signature);
            } else {
                return untrusted(location, object, name + " is not a record this product writes");
            }
            return new Proven(new FolderFile(name, object.size(), signer, null, Optional.empty()), Optional.empty());
        } catch (CatalogueTrust.Untrusted e) {
            return untrusted(location, object, e.getMessage());
        }
    }

    private static Proven untrusted(ObjectLayout.Location location, StoredObjectInfo object, String why) {
        return new Proven(new FolderFile(location.file(), object.size(), null, why, Optional.empty()), Optional.empty());
    }
}
