package org.amyterm.backup.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupEvent;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.RestoreVerified;
import org.amyterm.backup.contracts.StageFailed;

/**
 * The figures each event carries, as Micrometer meters tagged by database (exposed at
 * {@code /q/metrics}): dump time and size, stored size, measured restore time, failures by stage
 * and reason. Recorded once, where the event is published.
 */
@ApplicationScoped
public class PipelineMetrics {
    private final MeterRegistry registry;

    public PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(BackupEvent event) {
        String db = event.database();
        if (event instanceof BackupCompleted dump) {
            registry.timer("amyterm.backup.dump.duration", "database", db)
                    .record(Duration.between(dump.startedAt(), dump.finishedAt()));
            registry.summary("amyterm.backup.dump.archive.bytes", "database", db).record(dump.archiveBytes());
        } else if (event instanceof BackupStored stored) {
            registry.summary("amyterm.backup.stored.bytes", "database", db).record(stored.ciphertextBytes());
        } else if (event instanceof RestoreVerified verified) {
            registry.timer("amyterm.backup.restore.duration", "database", db)
                    .record(Duration.ofMillis(verified.restoreMillis()));
            registry.counter("amyterm.backup.restore.tests", "database", db, "passed", Boolean.toString(verified.passed()))
                    .increment();
        } else if (event instanceof StageFailed failed) {
            registry.counter("amyterm.backup.stage.failures", "database", db, "stage", failed.stage().code(), "reason",
                    failed.reason().code()).increment();
        }
    }
}
