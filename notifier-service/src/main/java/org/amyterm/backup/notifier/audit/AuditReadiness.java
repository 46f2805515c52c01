package org.amyterm.backup.notifier.audit;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready while the audit trail cannot be written: events wait on their topics meanwhile, nothing is lost. */
@Readiness
@ApplicationScoped
public class AuditReadiness implements HealthCheck {
    private final AuditFollower follower;

    public AuditReadiness(AuditFollower follower) {
        this.follower = follower;
    }

    @Override
    public HealthCheckResponse call() {
        String failure = follower.failure();
        return failure == null ? HealthCheckResponse.up("audit-trail")
                : HealthCheckResponse.named("audit-trail").down().withData("failure", failure).build();
    }
}
