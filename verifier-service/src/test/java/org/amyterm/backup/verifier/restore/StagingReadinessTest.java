package org.amyterm.backup.verifier.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.amyterm.backup.verifier.verify.StagingResource;
import org.junit.jupiter.api.Test;

/** The verifier's readiness names the staging server and the bucket it needs, with what they answered. */
@QuarkusTest
@QuarkusTestResource(StagingResource.class)
class StagingReadinessTest {
    @TestHTTPResource("/q/health/ready")
    URI ready;

    @Test
    void readinessReportsTheStagingServerAndTheBucket() throws Exception {
        // Kafka is in memory in these tests, so the service as a whole is not ready: only the checks are asserted
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        JsonNode staging = check(body, "staging-server");
        assertThat(staging.path("status").asText()).isEqualTo("UP");
        assertThat(staging.path("data").path("version").asText()).startsWith("15");
        assertThat(check(body, "bucket").path("status").asText()).isEqualTo("UP");
    }

    private static JsonNode check(String body, String name) throws Exception {
        for (JsonNode check : new ObjectMapper().readTree(body).path("checks")) {
            if (check.path("name").asText().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no check " + name + " in " + body);
    }
}
