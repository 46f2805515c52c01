package org.amyterm.backup.storage.catalogue;

import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.amyterm.backup.storage.retry.OutageRetries;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Keeps the bucket the whole truth: a backup that failed at any stage gets {@code failure.json} in
 * its folder, so the catalogue and the CLI can say what went wrong without another database. A
 * failure that cannot be written while the store is down is written when it returns (within the
 * retry window): the record is not acknowledged before, so a restart does not lose it either.
 */
@ApplicationScoped
public class FailureRecorder {
    private static final Logger LOG = Logger.getLogger(FailureRecorder.class);

    private final ObjectStore store;
    private final ObjectLayout layout;
    private final OutageRetries retries;

    public FailureRecorder(ObjectStore store, ObjectLayout layout, OutageRetries retries) {
        this.store = store;
        this.layout = layout;
        this.retries = retries;
    }

    @Incoming("backup-failed")
    @Blocking
    public void onFailure(String payload) {
        StageFailed failure = EventJson.read(payload, StageFailed.class);
        // a failure not tied to one database's backup (a refused name, an interrupted dump: "*") has no folder
        if (BackupId.isValid(failure.backupId()) && ObjectLayout.isDatabaseName(failure.database())) {
            String key = layout.failureKey(failure.database(), failure.backupId());
            retries.run(Boolean.class, () -> {
                store.putText(key, EventJson.writeForPeople(failure));
                return Boolean.TRUE;
            }, e -> e instanceof ObjectStoreException s && s.isRetryable(), (first, until) -> {
                LOG.warnf("cannot record the failure of backup %s in the bucket yet (%s); retrying until %s",
                        failure.backupId(), first.getMessage(), until);
                return true;
            });
        }
    }
}
