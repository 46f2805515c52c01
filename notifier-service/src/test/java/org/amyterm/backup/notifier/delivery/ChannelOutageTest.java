package org.amyterm.backup.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.amyterm.backup.notifier.Events;
import org.amyterm.backup.notifier.NotifierResource;
import org.amyterm.backup.notifier.Received;
import org.amyterm.backup.notifier.Topics;
import org.junit.jupiter.api.Test;

/** A channel that is down delays only itself, and gets each alert once when it is back. */
@QuarkusTest
@QuarkusTestResource(value = NotifierResource.class, restrictToAnnotatedClass = false)
class ChannelOutageTest {
    @TestHTTPResource("/q/metrics")
    URI metrics;

    @Test
    void webhookDownForTwoMinutesGetsTheAlertOnceWhenBackAndTheOtherChannelsAreNotDelayed() throws Exception {
        // Given the webhook receiver is down
        NotifierResource.webhook.down();
        String database = "outage_" + UUID.randomUUID().toString().substring(0, 8);
        String alertId = "dump-failed/" + database;
        try {
            // When a dump fails
            Topics.publish(Events.dumpFailed(database));

            // Then Slack, e-mail and PagerDuty have it at once
            await().atMost(Duration.ofSeconds(30)).until(() -> Received.slack(database).size() == 1
                    && Received.mails(database).size() == 1 && Received.pagerDuty("amyterm-backup/" + alertId).size() == 1);

            // and for two minutes the webhook is retried (each failure counted), nothing else is sent again
            await().during(Duration.ofMinutes(2)).atMost(Duration.ofMinutes(3)).until(() -> Received.slack(database).size() == 1
                    && Received.mails(database).size() == 1 && Received.pagerDuty("amyterm-backup/" + alertId).size() == 1);
            assertThat(failedWebhookDeliveries()).isGreaterThan(1);
        } finally {
            NotifierResource.webhook.up();
        }

        // When it is back, the alert arrives, once
        await().atMost(Duration.ofSeconds(60)).until(() -> Received.webhook(alertId).size() == 1);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> Received.webhook(alertId).size() == 1);
    }

    private double failedWebhookDeliveries() throws Exception {
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return text.lines().filter(l -> l.startsWith("amyterm_notifier_deliveries_total{") && l.contains("channel=\"webhook\"")
                && l.contains("outcome=\"failed\"")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
