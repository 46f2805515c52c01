package org.amyterm.backup.notifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.internet.MimeMessage;
import java.util.Arrays;
import java.util.List;
import org.amyterm.backup.testsupport.WebhookReceiver;

/** What each channel's receiver got, for one alert. */
public final class Received {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Received() {
    }

    public static List<JsonNode> webhook(String alertId) {
        return NotifierResource.webhook.requests().stream().map(WebhookReceiver.Request::body).map(Received::json)
                .filter(b -> b.path("alertId").asText().equals(alertId)).toList();
    }

    public static List<WebhookReceiver.Request> webhookRequests(String alertId) {
        return NotifierResource.webhook.requests().stream()
                .filter(r -> json(r.body()).path("alertId").asText().equals(alertId)).toList();
    }

    public static List<String> slack(String text) {
        return NotifierResource.slack.bodies().stream().filter(b -> b.contains(text)).toList();
    }

    public static List<JsonNode> pagerDuty(String dedupKey) {
        return NotifierResource.pagerDuty.bodies().stream().map(Received::json)
                .filter(b -> b.path("dedup_key").asText().equals(dedupKey)).toList();
    }

    public static List<MimeMessage> mails(String text) {
        return Arrays.stream(NotifierResource.mail.getReceivedMessages()).filter(m -> {
            try {
                return m.getSubject().contains(text) || String.valueOf(m.getContent()).contains(text);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    public static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }
}
