package org.amyterm.backup.verifier.verify;

import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import java.util.List;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.objectstore.ObjectStore;

/** Backups made with the standard tools, stored and handed to the verifier, for tests in other packages. */
public final class StandardToolBackups {
    private StandardToolBackups() {
    }

    /** A backup that was stored and sent to the verifier (which then tests it): its id, object key and local encrypted file. */
    public record Made(String backupId, String objectKey, java.nio.file.Path encryptedFile) {
    }

    /**
     * A backup of {@link StagingResource#SOURCE} (Amy-Term's sample, no profile in its manifest) or of
     * {@link StagingResource#GENERIC} (the generic profile, with its inventory), stored and announced.
     */
    public static Made stored(String database, ObjectStore store, ObjectLayout layout, InMemoryConnector connector)
            throws Exception {
        StandardToolBackup backup = database.equals(StagingResource.GENERIC)
                ? new StandardToolBackup(StagingResource.GENERIC, List.of("inventory.item", "inventory.movement",
                        "ledger.entry"), "generic")
                : new StandardToolBackup();
        BackupStored stored = backup.upload(store, layout, backup.counts, StandardToolBackup.sha256(backup.encrypted));
        connector.source("backup-stored").send(EventJson.write(stored));
        return new Made(backup.backupId, stored.objectKey(), backup.encrypted);
    }

    /**
     * A generic-profile backup of {@code database} that references {@code roles} and keeps the
     * server's roles beside it (globals), stored and announced.
     */
    public static Made storedWithRoles(String database, List<String> tables, List<String> roles, ObjectStore store,
            ObjectLayout layout, InMemoryConnector connector) throws Exception {
        StandardToolBackup backup = new StandardToolBackup(database, tables, "generic").withGlobals(StagingResource.key, roles);
        BackupStored stored = backup.upload(store, layout, backup.counts, StandardToolBackup.sha256(backup.encrypted));
        connector.source("backup-stored").send(EventJson.write(stored));
        return new Made(backup.backupId, stored.objectKey(), backup.encrypted);
    }
}
