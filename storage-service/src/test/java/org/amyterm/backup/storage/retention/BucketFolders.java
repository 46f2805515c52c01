package org.amyterm.backup.storage.retention;

import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.contracts.Verification;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.storage.upload.StoreResource;

/**
 * Writes backups' folders into the bucket as the services leave them (object, manifest, its
 * signature, evidence or failure, each signed by the key the catalogue trusts).
 */
final class BucketFolders {
    private final ObjectStore store;
    private final ObjectLayout layout;

    BucketFolders(ObjectStore store, ObjectLayout layout) {
        this.store = store;
        this.layout = layout;
    }

    BackupSummary put(String database, BackupSummary backup) {
        BackupSummary placed = new BackupSummary(backup.backupId(), database, backup.state(),
                backup.manifest() == null ? null : rename(backup.manifest(), database),
                backup.verification(), backup.failure());
        String id = placed.backupId();
        if (placed.manifest() != null) {
            store.putText(layout.dumpKey(database, id), "ciphertext");
            String manifest = EventJson.writeForPeople(placed.manifest());
            store.putText(layout.manifestKey(database, id), manifest);
            store.putText(layout.manifestSignatureKey(database, id), StoreResource.signingKey.sign(manifest));
        }
        if (placed.verification() != null) {
            String evidence = EventJson.writeForPeople(new Verification(placed.verification().formatVersion(), id, database,
                    placed.verification().passed(), "staging", "pg_restore", placed.verification().startedAt(),
                    placed.verification().finishedAt(), 1, 1, placed.verification().checks())
                    .naming(placed.manifest().object().sha256()));
            store.putText(layout.verificationKey(database, id), evidence);
            store.putText(ObjectLayout.signatureKey(layout.verificationKey(database, id)),
                    StoreResource.evidenceKey.sign(evidence));
        }
        if (placed.failure() != null) {
            String failure = EventJson.writeForPeople(StageFailed.of(id, database, placed.failure().stage(),
                    placed.failure().reason(), "failed", placed.failure().failedAt()));
            store.putText(layout.failureKey(database, id), failure);
            store.putText(ObjectLayout.signatureKey(layout.failureKey(database, id)), StoreResource.signingKey.sign(failure));
        }
        return placed;
    }

    /** The manifest as the storage service writes it into {@code database}'s folder of this layout. */
    private Manifest rename(Manifest m, String database) {
        return new Manifest(m.formatVersion(), m.backupId(), database, m.reason(), m.nodeRole(), m.pgServerVersion(),
                m.pgDumpVersion(), m.schemaVersion(), m.tableRowCounts(), m.archive(), m.encryption(),
                new Manifest.StoredObject(layout.dumpKey(database, m.backupId()), m.object().bytes(), m.object().sha256()),
                m.dumpStartedAt(), m.dumpFinishedAt(), m.storedAt());
    }
}
