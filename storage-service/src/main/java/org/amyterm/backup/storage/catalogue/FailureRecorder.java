package org.amyterm.backup.storage.catalogue;

import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.amyterm.backup.storage.sign.SignedRecords;
import org.amyterm.backup.storage.retry.OutageRetries;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Keeps the bucket the whole truth: a backup that failed at any stage gets {@code failure.json} in
 * its folder, signed by this service's key like its manifest, so the catalogue and the CLI can say what went wrong without another database. A
 * failure that cannot be written while the store is down is written when it returns (within the
 * retry window): the record is not acknowledged before, so a restart does not lose it either.
 */
@ApplicationScoped
public class FailureRecorder {
    private static final Logger LOG = Logger.getLogger(FailureRecorder.class);

    /** How far ahead of this clock a backup id may be dated (clock skew between services). */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final ObjectStore store;
    private final ObjectLayout layout;
    private final OutageRetries retries;
    private final SignedRecords records;
    private final Clock clock;

    @Inject
    public FailureRecorder(ObjectStore store, ObjectLayout layout, OutageRetries retries, SignedRecords records) {
        this(store, layout, retries, records, Clock.systemUTC());
    }

    FailureRecorder(ObjectStore store, ObjectLayout layout, OutageRetries retries, SignedRecords records, Clock clock) {
        this.store = store;
        this.layout = layout;
        this.retries = retries;
        this.records = records;
        this.clock = clock;
    }

    @Incoming("backup-failed")
    @Blocking
    public void onFailure(String payload) {
        StageFailed failure = EventJson.read(payload, StageFailed.class);
        String key = layout.failureKey(failure.database(), failure.backupId());
        String text = EventJson.writeForPeople(failure);
        retries.run(Boolean.class, () -> {
            Optional<String> why = notRecorded(failure);
            if (why.isPresent()) {
                LOG.debugf("failure of backup %s of %s not recorded in the bucket: %s", failure.backupId(),
                        failure.database(), why.get());
                return Boolean.FALSE;
            }
            records.put(key, text);
            return Boolean.TRUE;
        }, e -> e instanceof ObjectStoreException s && s.isRetryable(), (first, until) -> {
                LOG.warnf("cannot record the failure of backup %s in the bucket yet (%s); retrying until %s",
                        failure.backupId(), first.getMessage(), until);
                return true;
            });
    }

    /**
     * Why {@code failure} gets no {@code failure.json}, if it gets none: the bucket records what
     * happened to backups, so a refused request (an unconfigured database, a stale or future-dated
     * one), a failure tied to no backup ("*", an interrupted dump), one dated ahead of this clock
     * (its folder would sort above every real backup for ever) and a verification or restore of a
     * backup the bucket does not hold (a foreign id) leave no folder behind. The alert still comes
     * from the event.
     */
    Optional<String> notRecorded(StageFailed failure) {
        if (!BackupId.isValid(failure.backupId()) || !ObjectLayout.isDatabaseName(failure.database())) {
            return Optional.of("not tied to one database's backup");
        }
        // a refusal has no backup to record (and anyone who can produce an event could otherwise plant
        // a failed folder that holds retention)
        if (failure.reason().isRefusal()) {
            return Optional.of("a refused request (" + failure.reason().code() + "): nothing was attempted");
        }
        if (BackupId.requestedAt(failure.backupId()).isAfter(clock.instant().plus(CLOCK_SKEW))) {
            return Optional.of("its backup id is dated ahead of this service's clock");
        }
        if ((failure.stage() == Stage.VERIFY || failure.stage() == Stage.RESTORE)
                && !store.exists(layout.manifestKey(failure.database(), failure.backupId()))) {
            return Optional.of("the bucket holds no such backup");
        }
        return Optional.empty();
    }
}
