package org.amyterm.backup.notifier;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.amyterm.backup.testsupport.ApiTokens;

/** GET /alerts of the notifier under test. */
public final class OpenAlerts {
    private OpenAlerts() {
    }

    public static List<JsonNode> get(URI alerts) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(alerts).header("Authorization", "Bearer " + ApiTokens.operator())
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET /alerts: HTTP " + response.statusCode() + " " + response.body());
            }
            List<JsonNode> open = new ArrayList<>();
            Received.json(response.body()).forEach(open::add);
            return open;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Optional<JsonNode> find(URI alerts, String alertId) {
        return get(alerts).stream().filter(a -> a.path("alertId").asText().equals(alertId)).findFirst();
    }
}
