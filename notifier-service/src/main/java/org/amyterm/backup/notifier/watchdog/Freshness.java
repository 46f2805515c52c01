package org.amyterm.backup.notifier.watchdog;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.RestoreVerified;
import org.amyterm.backup.contracts.Verification;
import org.jboss.logging.Logger;

/**
 * What is known of each database's newest stored backup and restore test, from the events as they
 * pass and from the bucket (which holds what happened while this service was not listening). Each
 * figure is a gauge tagged by database: the timestamps the alert rules compare with the RPO and the
 * verification window, the last size, the last measured restore time and the RTO target.
 */
@ApplicationScoped
public class Freshness {
    /** How far ahead of this clock a fact may be dated (clock skew between services). */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final Logger LOG = Logger.getLogger(Freshness.class);

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, Known> databases = new ConcurrentHashMap<>();

    @Inject
    public Freshness(MeterRegistry registry) {
        this(registry, Clock.systemUTC());
    }

    Freshness(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** Mutable, read by gauges; updated only to newer facts. */
    static final class Known {
        volatile Instant storedAt;
        volatile long storedBytes;
        /** When the newest backup that passed its restore test was taken (its id's time): a re-test of an older one does not move it. */
        volatile Instant passedAt;
        volatile String passedBackupId;
        volatile Instant verifiedAt;
        /** Whether the newest backup tested passed (an older backup's re-test does not change it). */
        volatile boolean lastPassed;
        volatile String verifiedBackupId;
        volatile long restoreMillis = -1;
        volatile Duration rtoTarget;
        /** The RPO the newest trusted manifest records, if any. */
        volatile Duration recordedRpo;
        volatile Instant bucketReadAt;
    }

    public void stored(BackupStored stored) {
        stored(stored.database(), stored.storedAt(), stored.ciphertextBytes());
    }

    public void verified(RestoreVerified verified) {
        verified(verified.database(), verified.backupId(), verified.verifiedAt(), verified.passed(),
                verified.restoreMillis(), verified.rtoTarget());
    }

    /** Takes in what the bucket says of the database's backups (newest first, as the catalogue lists them). */
    void fromBucket(String database, Iterable<BackupSummary> backups, Instant readAt) {
        Duration rpo = null;
        for (BackupSummary backup : backups) {
            if (rpo == null && backup.manifest() != null && backup.manifest().dumpDetails() != null
                    && backup.manifest().dumpDetails().rpo() != null) {
                try {
                    rpo = Duration.parse(backup.manifest().dumpDetails().rpo());
                } catch (java.time.format.DateTimeParseException e) {
                    LOG.warnf("backup %s of %s records an RPO that is no duration: %s", backup.backupId(), database,
                            e.getMessage());
                }
            }
            if (backup.manifest() != null && backup.manifest().storedAt() != null) {
                stored(database, backup.manifest().storedAt(), backup.manifest().object() == null ? 0
                        : backup.manifest().object().bytes());
            }
            Verification v = backup.verification();
            if (v != null) {
                verified(database, backup.backupId(), v.finishedAt(), v.passed(), v.restoreMillis(), v.rtoTarget());
            }
        }
        if (rpo != null) {
            known(database).recordedRpo = rpo;
        }
        known(database).bucketReadAt = readAt;
    }

    Optional<Instant> bucketReadAt(String database) {
        return Optional.ofNullable(known(database).bucketReadAt);
    }

    Known of(String database) {
        return known(database);
    }

    /**
     * Whether a fact dated {@code at} may be kept: one dated ahead of this clock (a forged event, a
     * server whose clock runs fast) would stay "newest" and silence every alert of the database
     * until that date, so it is refused, logged and counted.
     */
    private boolean fromTheFuture(String database, String what, Instant at) {
        if (at == null || !at.isAfter(clock.instant().plus(CLOCK_SKEW))) {
            return false;
        }
        LOG.warnf("refused a %s of %s dated %s, ahead of this service's clock (%s): it would silence the database's "
                + "alerts until then", what, database, at, clock.instant());
        registry.counter("amyterm.notifier.future.timestamps.refused", "database", database).increment();
        return true;
    }

    private synchronized void stored(String database, Instant at, long bytes) {
        if (at == null || fromTheFuture(database, "stored backup", at)) {
            return;
        }
        Known known = known(database);
        if (known.storedAt == null || at.isAfter(known.storedAt)) {
            known.storedAt = at;
            known.storedBytes = bytes;
        }
    }

    /**
     * A restore test of backup {@code backupId}, finished {@code at}. The verdicts are judged on the
     * newest backups: the newest tested backup's result is the status, and the newest backup that
     * passed sets {@code passedAt} to when it was taken, so the weekly re-test of an old last known
     * good neither hides that every newer backup fails nor keeps the verification window fresh.
     */
    private synchronized void verified(String database, String backupId, Instant at, boolean passed, long restoreMillis,
            String rtoTarget) {
        if (at == null || fromTheFuture(database, "restore test", at)
                || (BackupId.isValid(backupId) && fromTheFuture(database, "restore test", BackupId.requestedAt(backupId)))) {
            return;
        }
        Known known = known(database);
        if (known.verifiedBackupId == null || !newer(known.verifiedBackupId, backupId)) {
            known.verifiedBackupId = backupId;
            known.verifiedAt = at;
            known.lastPassed = passed;
            known.restoreMillis = restoreMillis;
            if (rtoTarget != null) {
                known.rtoTarget = Duration.parse(rtoTarget);
            }
        }
        if (passed && (known.passedBackupId == null || !newer(known.passedBackupId, backupId))) {
            known.passedBackupId = backupId;
            known.passedAt = BackupId.isValid(backupId) ? BackupId.requestedAt(backupId) : at;
        }
    }

    /** Whether backup {@code a} is newer than {@code b} (ids sort by request time; an id of another shape never is). */
    private static boolean newer(String a, String b) {
        return BackupId.isValid(a) && BackupId.isValid(b) && a.compareTo(b) > 0;
    }

    private Known known(String database) {
        return databases.computeIfAbsent(database, this::register);
    }

    private Known register(String database) {
        Known known = new Known();
        gauge("amyterm.backup.last.stored.timestamp.seconds", database, known, k -> seconds(k.storedAt),
                "when the newest stored backup was stored (Unix time)");
        gauge("amyterm.backup.last.stored.bytes", database, known, k -> k.storedAt == null ? Double.NaN : k.storedBytes,
                "encrypted size of the newest stored backup");
        gauge("amyterm.backup.last.verified.timestamp.seconds", database, known, k -> seconds(k.passedAt),
                "when the newest backup that passed its restore test was taken (Unix time)");
        gauge("amyterm.backup.verification.status", database, known, k -> k.verifiedAt == null ? Double.NaN
                : k.lastPassed ? 1 : 0, "1 if the newest backup tested passed, 0 if it failed");
        gauge("amyterm.backup.last.restore.duration.seconds", database, known, k -> k.restoreMillis < 0 ? Double.NaN
                : k.restoreMillis / 1000.0, "measured restore time (RTO) of the newest restore test");
        return known;
    }

    private void gauge(String name, String database, Known known, java.util.function.ToDoubleFunction<Known> value,
            String description) {
        Gauge.builder(name, known, value).tag("database", database).description(description).register(registry);
    }

    private static double seconds(Instant at) {
        return at == null ? Double.NaN : at.toEpochMilli() / 1000.0;
    }
}
