package org.amyterm.backup.verifier.restore;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the staging server accepts the staging role: without it no restore test runs. */
@Readiness
@ApplicationScoped
public class StagingReadiness implements HealthCheck {
    private final StagingServer staging;

    public StagingReadiness(StagingServer staging) {
        this.staging = staging;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("staging-server")
                .withData("server", staging.settings().host() + ":" + staging.settings().port());
        try (Connection connection = staging.connect("postgres")) {
            return response.withData("version", connection.getMetaData().getDatabaseProductVersion()).up().build();
        } catch (SQLException e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
