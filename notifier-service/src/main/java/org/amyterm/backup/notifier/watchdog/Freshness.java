package org.amyterm.backup.notifier.watchdog;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.RestoreVerified;
import org.amyterm.backup.contracts.Verification;

/**
 * What is known of each database's newest stored backup and restore test, from the events as they
 * pass and from the bucket (which holds what happened while this service was not listening). Each
 * figure is a gauge tagged by database: the timestamps the alert rules compare with the RPO and the
 * verification window, the last size, the last measured restore time and the RTO target.
 */
@ApplicationScoped
public class Freshness {
    private final MeterRegistry registry;
    private final Map<String, Known> databases = new ConcurrentHashMap<>();

    public Freshness(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Mutable, read by gauges; updated only to newer facts. */
    static final class Known {
        volatile Instant storedAt;
        volatile long storedBytes;
        volatile Instant passedAt;
        volatile Instant verifiedAt;
        volatile boolean lastPassed;
        volatile long restoreMillis = -1;
        volatile Duration rtoTarget;
        volatile Instant bucketReadAt;
    }

    public void stored(BackupStored stored) {
        stored(stored.database(), stored.storedAt(), stored.ciphertextBytes());
    }

    public void verified(RestoreVerified verified) {
        verified(verified.database(), verified.verifiedAt(), verified.passed(), verified.restoreMillis(),
                verified.rtoTarget());
    }

    /** Takes in what the bucket says of the database's backups (newest first, as the catalogue lists them). */
    void fromBucket(String database, Iterable<BackupSummary> backups, Instant readAt) {
        for (BackupSummary backup : backups) {
            if (backup.manifest() != null && backup.manifest().storedAt() != null) {
                stored(database, backup.manifest().storedAt(), backup.manifest().object() == null ? 0
                        : backup.manifest().object().bytes());
            }
            Verification v = backup.verification();
            if (v != null) {
                verified(database, v.finishedAt(), v.passed(), v.restoreMillis(), v.rtoTarget());
            }
        }
        known(database).bucketReadAt = readAt;
    }

    Optional<Instant> bucketReadAt(String database) {
        return Optional.ofNullable(known(database).bucketReadAt);
    }

    Known of(String database) {
        return known(database);
    }

    private synchronized void stored(String database, Instant at, long bytes) {
        Known known = known(database);
        if (known.storedAt == null || at.isAfter(known.storedAt)) {
            known.storedAt = at;
            known.storedBytes = bytes;
        }
    }

    private synchronized void verified(String database, Instant at, boolean passed, long restoreMillis, String rtoTarget) {
        Known known = known(database);
        if (known.verifiedAt == null || at.isAfter(known.verifiedAt)) {
            known.verifiedAt = at;
            known.lastPassed = passed;
            known.restoreMillis = restoreMillis;
            if (rtoTarget != null) {
                known.rtoTarget = Duration.parse(rtoTarget);
            }
        }
        if (passed && (known.passedAt == null || at.isAfter(known.passedAt))) {
            known.passedAt = at;
        }
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
                "when the newest passing restore test finished (Unix time)");
        gauge("amyterm.backup.verification.status", database, known, k -> k.verifiedAt == null ? Double.NaN
                : k.lastPassed ? 1 : 0, "1 if the newest restore test passed, 0 if it failed");
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
