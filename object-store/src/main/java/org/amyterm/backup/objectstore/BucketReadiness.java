package org.amyterm.backup.objectstore;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the bucket answers: without it nothing can be stored, verified or watched. */
@Readiness
@ApplicationScoped
public class BucketReadiness implements HealthCheck {
    /** Longer than a healthy store ever takes to answer HeadBucket; short enough for a probe. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final S3ObjectStore store;

    public BucketReadiness(S3ObjectStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("bucket").withData("bucket", store.bucket());
        try {
            store.requireReachable(TIMEOUT);
            return response.up().build();
        } catch (RuntimeException e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
