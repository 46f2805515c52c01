package org.amyterm.backup.dumper.dump;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.amyterm.backup.contracts.BackupCompleted;

/**
 * Per database, as backup exporters (pgbackrest_exporter, Velero) name them: the time, duration and
 * size of the last successful dump, and the dumps in progress. Failures by reason are counted where
 * every StageFailed is published ({@code amyterm_backup_stage_failures_total}). These gauges start
 * empty after a restart; alert on the age of the last success with {@code time() - ...}.
 */
@ApplicationScoped
public class DumpMetrics {
    private final MeterRegistry registry;
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastDurationMillis = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastBytes = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> inProgress = new ConcurrentHashMap<>();

    public DumpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void started(String database) {
        gauge(inProgress, "amyterm.backup.dumps.in.progress", null, database, 1).incrementAndGet();
    }

    public void ended(String database) {
        gauge(inProgress, "amyterm.backup.dumps.in.progress", null, database, 1).decrementAndGet();
    }

    public void succeeded(BackupCompleted dump) {
        String database = dump.database();
        gauge(lastSuccess, "amyterm.backup.dump.last.success.timestamp", "seconds", database, 1)
                .set(dump.finishedAt().getEpochSecond());
        gauge(lastDurationMillis, "amyterm.backup.dump.last.duration", "seconds", database, 1000)
                .set(Duration.between(dump.startedAt(), dump.finishedAt()).toMillis());
        gauge(lastBytes, "amyterm.backup.dump.last.size", "bytes", database, 1).set(dump.spoolBytes());
    }

    /** The database's value of a gauge, registered on first use; {@code divisor} scales it to the base unit. */
    private AtomicLong gauge(Map<String, AtomicLong> values, String name, String unit, String database, double divisor) {
        return values.computeIfAbsent(database, db -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, v -> v.get() / divisor).baseUnit(unit).tag("database", db).register(registry);
            return value;
        });
    }
}
