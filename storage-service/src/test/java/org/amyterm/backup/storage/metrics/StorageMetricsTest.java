package org.amyterm.backup.storage.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.amyterm.backup.storage.retention.RetentionRun;
import org.amyterm.backup.storage.upload.StoreResource;
import org.junit.jupiter.api.Test;

/** The storage figures an operator scrapes, under their Prometheus names with units. */
@QuarkusTest
@QuarkusTestResource(StoreResource.class)
class StorageMetricsTest {
    @Inject
    StorageMetrics metrics;

    @Inject
    RetentionRun retention;

    @TestHTTPResource("/q/metrics")
    URI scrape;

    @Test
    void uploadRetentionAndSpoolFiguresAreScrapedWithTheirUnits() throws Exception {
        // Given a stored backup, a retention run and a spool check
        metrics.stored("metrics_db", "daily", 12345, Duration.ofMillis(1500), true);
        retention.run(Instant.now(), false);
        metrics.spoolFree(987_654_321L);

        // When Prometheus scrapes the service
        String body = await().atMost(Duration.ofSeconds(30)).until(this::scraped, b -> b.contains("amyterm_storage"));

        // Then each figure is there, with its unit in its name
        assertThat(body).containsPattern("amyterm_storage_uploaded_bytes_total\\{[^}]*database=\"metrics_db\"[^}]*\\} 12345\\.0")
                .contains("amyterm_storage_upload_duration_seconds_count", "amyterm_storage_spool_free_bytes 9.87654321E8",
                        "amyterm_storage_retained_bytes{class=\"daily\"}", "amyterm_storage_retained_objects{class=\"pre-upgrade\"}");
    }

    private String scraped() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(scrape).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
