package org.amyterm.backup.console.backup;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Verification;
import org.amyterm.backup.objectstore.CatalogueTrust;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStore.StoredObjectInfo;

/**
 * The signed files of one backup's folder (manifest, evidence of every verification, failure and
 * expiry records), each read size-capped and proven against the trusted keys before it is shown:
 * the bucket is not trusted, so a file nobody trusted signed is listed as such, with the reason.
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

    /** The folder's signed files, the manifest first, then verifications oldest first. */
    public List<FolderFile> files(String database, String backupId) {
        List<FolderFile> files = new ArrayList<>();
        for (StoredObjectInfo object : store.listObjects(layout.backupFolder(database, backupId))) {
            Optional<ObjectLayout.Location> location = layout.parse(object.key());
            if (location.isEmpty() || !isSignedRecord(location.get().file())) {
                continue;
            }
            files.add(read(location.get(), object));
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

    private FolderFile read(ObjectLayout.Location location, StoredObjectInfo object) {
        Optional<String> text;
        try {
            text = store.getText(object.key());
        } catch (RuntimeException e) {
            return new FolderFile(location.file(), object.size(), null, "it cannot be read: " + e.getMessage(), Optional.empty());
        }
        if (text.isEmpty()) {
            return new FolderFile(location.file(), object.size(), null, "it is gone or larger than a record may be",
                    Optional.empty());
        }
        Optional<String> signature = store.getText(ObjectLayout.signatureKey(object.key()));
        try {
            String signer = trust.signer(location, text.get(), signature);
            Optional<Verification> evidence = location.file().startsWith("verification")
                    ? Optional.of(trust.evidence(location, text.get(), signature)) : Optional.empty();
            return new FolderFile(location.file(), object.size(), signer, null, evidence);
        } catch (CatalogueTrust.Untrusted e) {
            return new FolderFile(location.file(), object.size(), null, e.getMessage(), Optional.empty());
        }
    }
}
