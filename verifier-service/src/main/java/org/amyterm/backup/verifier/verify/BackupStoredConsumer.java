package org.amyterm.backup.verifier.verify;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.EventJson;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code backup.stored} → restore test → {@code backup.verified}; a failed test also raises a
 * StageFailed(verify). Restore tests share the {@code restores} worker pool, whose size
 * ({@code smallrye.messaging.worker.restores.max-concurrency}) bounds the staging server's load.
 */
@ApplicationScoped
public class BackupStoredConsumer {
    private final VerificationRuns runs;

    public BackupStoredConsumer(VerificationRuns runs) {
        this.runs = runs;
    }

    @Incoming("backup-stored")
    @Blocking(value = "restores", ordered = false)
    public void onStored(String payload) {
        runs.run(VerificationTarget.of(EventJson.read(payload, BackupStored.class)));
    }
}
