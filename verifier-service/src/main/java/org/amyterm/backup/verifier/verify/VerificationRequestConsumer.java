package org.amyterm.backup.verifier.verify;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.VerificationRequested;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** {@code backup.verification-requests} → a restore test of a stored backup again, on the {@code restores} pool. */
@ApplicationScoped
public class VerificationRequestConsumer {
    private final VerificationRuns runs;
    private final ObjectLayout layout;

    public VerificationRequestConsumer(VerificationRuns runs, ObjectLayout layout) {
        this.runs = runs;
        this.layout = layout;
    }

    @Incoming("verification-requests")
    @Blocking(value = "restores", ordered = false)
    public void onRequest(String payload) {
        runs.run(VerificationTarget.of(EventJson.read(payload, VerificationRequested.class), layout));
    }
}
