package org.amyterm.backup.storage.catalogue;

import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.objectstore.ObjectStore;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Keeps the bucket the whole truth: a backup that failed at any stage gets {@code failure.json} in
 * its folder, so the catalogue and the CLI can say what went wrong without another database.
 */
@ApplicationScoped
public class FailureRecorder {
    private final ObjectStore store;
    private final ObjectLayout layout;

    public FailureRecorder(ObjectStore store, ObjectLayout layout) {
        this.store = store;
        this.layout = layout;
    }

    @Incoming("backup-failed")
    @Blocking
    public void onFailure(String payload) {
        StageFailed failure = EventJson.read(payload, StageFailed.class);
        if (BackupId.isValid(failure.backupId())) {
            store.putText(layout.failureKey(failure.database(), failure.backupId()), EventJson.writeForPeople(failure));
        }
    }
}
