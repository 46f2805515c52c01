package org.amyterm.backup.notifier.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.amyterm.backup.notifier.Events;
import org.amyterm.backup.notifier.NotifierResource;
import org.amyterm.backup.notifier.OpenAlerts;
import org.amyterm.backup.notifier.Received;
import org.amyterm.backup.notifier.Topics;
import org.junit.jupiter.api.Test;

/** An event no consumer can read is set aside, alerted with where it sits and why, and consuming goes on. */
@QuarkusTest
@QuarkusTestResource(value = NotifierResource.class, restrictToAnnotatedClass = false)
class DeadLetterAlertsTest {
    @TestHTTPResource("/alerts")
    URI alerts;

    @Test
    void malformedEventOnEachConsumedTopicLandsInItsDeadLetterTopicAlertsAndTheConsumerGoesOn() {
        for (String topic : List.of("backup.failed", "backup.verified", "backup.stored", "backup.restored")) {
            // Given an unreadable event on the topic
            String marker = "garbage-" + UUID.randomUUID();
            Topics.sendRaw(topic, "amyterm", "{\"database\": \"" + marker + "\"");
            String deadLetterTopic = topic + ".notifier.dlq";

            // Then it is on the topic's dead-letter topic, intact
            await().atMost(Duration.ofSeconds(60)).until(() -> Topics.read(deadLetterTopic).stream()
                    .anyMatch(r -> r.value().contains(marker)));
            // and an alert names the topic, partition, offset and the cause, and what to do
            await().atMost(Duration.ofSeconds(60)).until(() -> !Received.webhook("dead-letter/" + deadLetterTopic).isEmpty());
            JsonNode alert = Received.webhook("dead-letter/" + deadLetterTopic).get(0);
            assertThat(alert.path("details").path("topic").asText()).isEqualTo(topic);
            assertThat(alert.path("details").has("offset")).isTrue();
            assertThat(alert.path("details").has("partition")).isTrue();
            assertThat(alert.path("summary").asText()).contains(topic, "not a valid", "fix its producer");
            // (each channel delivers at its own pace: Slack may hear of it after the webhook)
            await().atMost(Duration.ofSeconds(60)).until(() -> !Received.slack(deadLetterTopic).isEmpty());
        }
        // and the consumer goes on: a failure after the garbage still alerts
        String database = "after_garbage_" + UUID.randomUUID().toString().substring(0, 8);
        Topics.publish(Events.dumpFailed(database));
        await().atMost(Duration.ofSeconds(60)).until(() -> Received.webhook("dump-failed/" + database).size() == 1);
    }

    @Test
    void refusedRequestsAndDeadLettersAreAlertedAndResolveOnceTheyStopForTheirQuietPeriod() {
        // Given a request refused for a database nobody configured, and an unreadable event set aside
        String ghost = "ghost_" + UUID.randomUUID().toString().substring(0, 8);
        Topics.publish(org.amyterm.backup.contracts.StageFailed.of(Events.newBackupId(), ghost,
                org.amyterm.backup.contracts.Stage.DUMP, org.amyterm.backup.contracts.FailureReason.REQUEST_REFUSED,
                "database '" + ghost + "' is not configured for backup", java.time.Instant.now()));
        Topics.sendRaw("backup.stored", "amyterm", "garbage that no one resolves by hand");
        String refused = "request-refused/" + ghost;
        String deadLetter = "dead-letter/backup.stored.notifier.dlq";

        // Then each is an alert, the refusal under its own condition (not dump-failed, which a backup resolves)
        await().atMost(Duration.ofSeconds(60)).until(() -> !Received.webhook(refused).isEmpty()
                && !Received.webhook(deadLetter).isEmpty());
        assertThat(Received.webhook(refused).get(0).path("summary").asText()).contains("AT-DUMP-006");
        assertThat(Received.webhook("dump-failed/" + ghost)).isEmpty();

        // and once nothing more comes for their quiet period (30 s here), both resolve by themselves
        await().atMost(Duration.ofSeconds(90)).until(() -> resolved(refused) && resolved(deadLetter));
        assertThat(OpenAlerts.find(alerts, refused)).isEmpty();
        assertThat(Received.webhook(refused).get(Received.webhook(refused).size() - 1).path("summary").asText())
                .contains("No request for " + ghost + " was refused for PT30S");
    }

    private static boolean resolved(String alertId) {
        return Received.webhook(alertId).stream().anyMatch(c -> c.path("transition").asText().equals("resolved"));
    }

    @Test
    void repeatedDeadLettersOnOneTopicAreOneAlertWithACount() {
        // Given three unreadable events on one topic
        for (int i = 0; i < 3; i++) {
            Topics.sendRaw("backup.expired", "amyterm", "not json " + i);
        }

        // Then one alert is sent, and it counts all three
        String alertId = "dead-letter/backup.expired.notifier.dlq";
        await().atMost(Duration.ofSeconds(60)).until(() -> OpenAlerts.find(alerts, alertId)
                .map(a -> a.path("count").asInt()).orElse(0) == 3);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> Received.webhook(alertId).size() == 1);
        assertThat(Received.pagerDuty("amyterm-backup/" + alertId)).hasSize(1);
    }
}
