package org.amyterm.backup.verifier.trust;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.objectstore.BackupCatalogue;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStoreException;

/**
 * A backup an operator names ({@code last-known-good} or an id), with its manifest read anew and
 * trusted only if signed by a trusted key and bound to its folder, and still the manifest the
 * backup was chosen by.
 */
@ApplicationScoped
public class TrustedBackups {
    public static final String LAST_KNOWN_GOOD = "last-known-good";

    private final BackupCatalogue catalogue;
    private final ObjectStore store;
    private final ObjectLayout layout;
    private final ManifestTrust trust;

    public TrustedBackups(BackupCatalogue catalogue, ObjectStore store, ObjectLayout layout, ManifestTrust trust) {
        this.catalogue = catalogue;
        this.store = store;
        this.layout = layout;
        this.trust = trust;
    }

    /** The trusted manifest of {@code backup} of {@code database}, saying which backup it is to {@code progress}. */
    public Manifest manifest(String database, String backup, Stage stage, Consumer<String> progress) {
        BackupSummary chosen = chosen(database, backup, stage);
        String manifestKey = layout.manifestKey(chosen.database(), chosen.backupId());
        String text = read(chosen, manifestKey, stage).orElseThrow(() -> new StageException(chosen.backupId(),
                chosen.database(), stage, FailureReason.BACKUP_NOT_FOUND, "manifest " + manifestKey + " is missing"));
        Manifest manifest = trust.trusted(chosen.backupId(), chosen.database(), stage, text,
                read(chosen, layout.manifestSignatureKey(chosen.database(), chosen.backupId()), stage));
        if (!manifest.object().sha256().equalsIgnoreCase(chosen.manifest().object().sha256())) {
            // the backup was chosen (as last known good, say) by a manifest that has changed since
            throw new StageException(chosen.backupId(), chosen.database(), stage, FailureReason.MANIFEST_UNTRUSTED,
                    "the manifest of " + chosen.backupId() + " changed while it was being read: nothing was restored; "
                            + "find out who wrote it");
        }
        progress.accept("backup " + chosen.backupId() + " of " + chosen.database() + " (" + chosen.state().name()
                .toLowerCase(Locale.ROOT) + "), its manifest signed by a trusted key and bound to its folder");
        return manifest;
    }

    private BackupSummary chosen(String database, String backup, Stage stage) {
        Optional<BackupSummary> found = LAST_KNOWN_GOOD.equals(backup)
                ? catalogue.lastKnownGood(database) : catalogue.find(database, backup);
        BackupSummary chosen = found.orElseThrow(() -> new StageException(null, database, stage,
                FailureReason.BACKUP_NOT_FOUND, LAST_KNOWN_GOOD.equals(backup)
                        ? "database " + database + " has no backup that passed its restore test"
                        : "no backup " + backup + " of " + database + " in the bucket"));
        if (chosen.manifest() == null || chosen.expired() != null) {
            throw new StageException(chosen.backupId(), chosen.database(), stage, FailureReason.BACKUP_NOT_FOUND,
                    "backup " + chosen.backupId() + " has no stored dump (" + chosen.state().name().toLowerCase(Locale.ROOT)
                            + ")");
        }
        return chosen;
    }

    private Optional<String> read(BackupSummary backup, String key, Stage stage) {
        try {
            return store.getText(key);
        } catch (ObjectStoreException e) {
            throw e.failure(backup.backupId(), backup.database(), stage, "");
        }
    }
}
