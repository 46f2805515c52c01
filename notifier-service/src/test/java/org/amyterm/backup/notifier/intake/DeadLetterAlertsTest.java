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
            assertThat(Received.slack(deadLetterTopic)).isNotEmpty();
        }
        // and the consumer goes on: a failure after the garbage still alerts
        String database = "after_garbage_" + UUID.randomUUID().toString().substring(0, 8);
        Topics.publish(Events.dumpFailed(database));
        await().atMost(Duration.ofSeconds(60)).until(() -> Received.webhook("dump-failed/" + database).size() == 1);
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
