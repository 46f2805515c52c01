package org.amyterm.backup.storage.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The storage service's own figures, in Prometheus names with units (at {@code /q/metrics}):
 * {@code amyterm_storage_uploaded_bytes_total}, {@code amyterm_storage_upload_duration_seconds},
 * {@code amyterm_storage_retained_objects} and {@code amyterm_storage_retained_bytes} per retention
 * class (as of the last retention run), {@code amyterm_storage_retention_deletions_total} and
 * {@code amyterm_storage_spool_free_bytes}. Failures by reason are counted where every StageFailed
 * is published ({@code amyterm_backup_stage_failures_total}).
 */
@ApplicationScoped
public class StorageMetrics {
    private final MeterRegistry registry;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

    public StorageMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A backup was stored: its ciphertext bytes and how long storing took after the dump completed. */
    public void stored(String database, String retentionClass, long bytes, Duration took, boolean followed) {
        Counter.builder("amyterm.storage.uploaded").baseUnit("bytes").description("encrypted bytes stored")
                .tags("database", database, "class", retentionClass).register(registry).increment(bytes);
        Timer.builder("amyterm.storage.upload.duration").description("from BackupCompleted to the manifest written")
                .tags("database", database, "mode", followed ? "followed" : "from-file").register(registry).record(took);
    }

    public void deleted(String retentionClass, String rule) {
        Counter.builder("amyterm.storage.retention.deletions").description("backups deleted by retention")
                .tags("class", retentionClass, "rule", rule).register(registry).increment();
    }

    /** What the bucket holds per retention class, as the last retention run counted it. */
    public void retained(String retentionClass, long objects, long bytes) {
        gauge("amyterm.storage.retained.objects", null, "backups kept", retentionClass).set(objects);
        gauge("amyterm.storage.retained", "bytes", "encrypted bytes kept", retentionClass).set(bytes);
    }

    public void spoolFree(long bytes) {
        gauge("amyterm.storage.spool.free", "bytes", "usable bytes on the spool's file system", null).set(bytes);
    }

    private AtomicLong gauge(String name, String unit, String description, String retentionClass) {
        return gauges.computeIfAbsent(name + "|" + retentionClass, key -> {
            AtomicLong value = new AtomicLong();
            Gauge.Builder<AtomicLong> builder = Gauge.builder(name, value, AtomicLong::doubleValue).description(description);
            if (unit != null) {
                builder.baseUnit(unit);
            }
            if (retentionClass != null) {
                builder.tag("class", retentionClass);
            }
            builder.register(registry);
            return value;
        });
    }
}
