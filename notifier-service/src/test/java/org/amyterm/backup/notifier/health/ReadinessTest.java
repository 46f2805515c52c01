package org.amyterm.backup.notifier.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.amyterm.backup.notifier.NotifierResource;
import org.amyterm.backup.notifier.Received;
import org.junit.jupiter.api.Test;

/** /q/health/ready says whether the broker and the bucket answer, and comes back with them. */
@QuarkusTest
@QuarkusTestResource(value = NotifierResource.class, restrictToAnnotatedClass = false)
class ReadinessTest {
    @TestHTTPResource("/q/health/ready")
    URI ready;

    @TestHTTPResource("/q/health/live")
    URI live;

    @Test
    void notReadyWhileTheBucketOrTheBrokerIsAwayAndReadyAgainWhenBack() throws Exception {
        // Given everything answers
        await().atMost(Duration.ofSeconds(60)).until(() -> probe(ready).statusCode() == 200);
        assertThat(check(probe(ready).body(), "kafka")).isEqualTo("UP");
        assertThat(check(probe(ready).body(), "bucket")).isEqualTo("UP");

        // When the bucket is away, not ready, naming it; ready again when it is back
        NotifierResource.relay.refuse(true);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> probe(ready).statusCode() == 503);
            assertThat(check(probe(ready).body(), "bucket")).isEqualTo("DOWN");
            assertThat(check(probe(ready).body(), "kafka")).isEqualTo("UP");
        } finally {
            NotifierResource.relay.refuse(false);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> probe(ready).statusCode() == 200);

        // When the broker is away, likewise; and the service stays alive meanwhile
        NotifierResource.broker.stop();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> probe(ready).statusCode() == 503);
            assertThat(check(probe(ready).body(), "kafka")).isEqualTo("DOWN");
            assertThat(probe(live).statusCode()).isEqualTo(200);
        } finally {
            NotifierResource.broker.startAgain();
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> probe(ready).statusCode() == 200);
    }

    private static HttpResponse<String> probe(URI uri) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String check(String body, String name) {
        for (JsonNode check : Received.json(body).path("checks")) {
            if (check.path("name").asText().equals(name)) {
                return check.path("status").asText();
            }
        }
        return "absent";
    }
}
