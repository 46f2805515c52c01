package org.amyterm.backup.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.amyterm.backup.contracts.AlertChanged;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.contracts.Topics;
import org.amyterm.backup.notifier.Events;
import org.amyterm.backup.notifier.NotifierResource;
import org.amyterm.backup.notifier.OpenAlerts;
import org.amyterm.backup.notifier.Received;
import org.amyterm.backup.testsupport.ApiTokens;
import org.amyterm.backup.testsupport.WebhookReceiver;
import org.junit.jupiter.api.Test;

/** One alert per condition on every channel, counted while open, resolved by the next success. */
@QuarkusTest
@QuarkusTestResource(value = NotifierResource.class, restrictToAnnotatedClass = false)
class AlertLifecycleTest {
    @TestHTTPResource("/alerts")
    URI alerts;

    @Test
    void repeatedDumpFailureAlertsOnceOnEveryChannelAndTheNextBackupResolvesIt() throws Exception {
        // Given a database whose dumps fail three times in a row
        String database = "lifecycle_" + UUID.randomUUID().toString().substring(0, 8);
        String alertId = "dump-failed/" + database;
        for (int i = 0; i < 3; i++) {
            org.amyterm.backup.notifier.Topics.publish(Events.dumpFailed(database));
        }

        // Then each channel hears of it once: webhook, Slack, e-mail and a PagerDuty trigger
        await().atMost(Duration.ofSeconds(60)).until(() -> Received.webhook(alertId).size() == 1
                && Received.slack(database).size() == 1 && Received.mails(database).size() == 1
                && Received.pagerDuty("amyterm-backup/" + alertId).size() == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> OpenAlerts.find(alerts, alertId)
                .map(a -> a.path("count").asInt()).orElse(0) == 3);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> Received.webhook(alertId).size() == 1
                && Received.slack(database).size() == 1 && Received.mails(database).size() == 1
                && Received.pagerDuty("amyterm-backup/" + alertId).size() == 1);
        JsonNode opened = Received.webhook(alertId).get(0);
        assertThat(opened.path("transition").asText()).isEqualTo("opened");
        assertThat(opened.path("severity").asText()).isEqualTo("critical");
        assertThat(opened.path("eventType").asText()).isEqualTo(StageFailed.TYPE);
        assertThat(opened.path("summary").asText()).contains("dump", database, "AT-DUMP-002", "refused the backup credentials");
        assertThat(opened.path("event").path("stage").asText()).isEqualTo("dump");
        // the webhook is signed and speaks the CloudEvents HTTP binding
        WebhookReceiver.Request request = Received.webhookRequests(alertId).get(0);
        assertThat(request.headers()).containsEntry("ce-specversion", "1.0").containsEntry("ce-type", AlertChanged.TYPE)
                .containsEntry("ce-subject", database).containsKey("ce-id").containsKey("ce-source");
        assertThat(request.headers().get("x-amyterm-signature"))
                .isEqualTo("sha256=" + WebhookChannel.hmac(NotifierResource.HMAC_SECRET, request.body()));
        JsonNode trigger = Received.pagerDuty("amyterm-backup/" + alertId).get(0);
        assertThat(trigger.path("event_action").asText()).isEqualTo("trigger");
        assertThat(trigger.path("routing_key").asText()).isEqualTo(NotifierResource.ROUTING_KEY);
        assertThat(trigger.path("payload").path("severity").asText()).isEqualTo("critical");
        assertThat(trigger.path("payload").path("component").asText()).isEqualTo(database);
        assertThat(trigger.path("payload").path("class").asText()).isEqualTo("AT-DUMP-002");
        String slack = Received.slack(database).get(0);
        assertThat(slack).contains("dump-failed of " + database, "AT-DUMP-002", "Evidence", "failure.json",
                "https://backups.example.org/backups/");
        MimeMessage mail = Received.mails(database).get(0);
        assertThat(mail.getSubject()).isEqualTo("[CRITICAL] Amy-Term Backup: dump-failed of " + database);
        assertThat(mail.getContent().toString()).contains("AT-DUMP-002", "Evidence: s3://" + NotifierResource.BUCKET);

        // When the next backup of the database is stored
        org.amyterm.backup.notifier.Topics.publish(Events.stored(database));

        // Then PagerDuty gets a resolve with the same dedup_key, and the other channels a resolved message
        await().atMost(Duration.ofSeconds(60)).until(() -> Received.pagerDuty("amyterm-backup/" + alertId).size() == 2
                && Received.webhook(alertId).size() == 2 && Received.slack(database).size() == 2
                && Received.mails(database).size() == 2);
        assertThat(Received.pagerDuty("amyterm-backup/" + alertId).get(1).path("event_action").asText()).isEqualTo("resolve");
        JsonNode resolved = Received.webhook(alertId).get(1);
        assertThat(resolved.path("transition").asText()).isEqualTo("resolved");
        assertThat(resolved.path("summary").asText()).contains("RESOLVED", "stored", "3 occurrences");
        assertThat(Received.slack(database).get(1)).contains("RESOLVED", ":white_check_mark:");
        assertThat(Received.mails(database).get(1).getSubject()).startsWith("[RESOLVED]");
        assertThat(Received.mails(database).get(1).getHeader("In-Reply-To")[0])
                .isEqualTo(Received.mails(database).get(0).getHeader("Message-ID")[0]);
        assertThat(OpenAlerts.find(alerts, alertId)).isEmpty();
    }

    @Test
    void anOperatorAcknowledgesAndThenResolvesAnAlertOnEveryChannelAndInTheAuditTrail() throws Exception {
        // Given an open alert
        String database = "acked_" + UUID.randomUUID().toString().substring(0, 8);
        String alertId = "dump-failed/" + database;
        org.amyterm.backup.notifier.Topics.publish(Events.dumpFailed(database));
        await().atMost(Duration.ofSeconds(60)).until(() -> OpenAlerts.find(alerts, alertId).isPresent()
                && Received.pagerDuty("amyterm-backup/" + alertId).size() == 1);

        // When a viewer tries to acknowledge it, and an operator asks without saying why, or for no open alert
        assertThat(post("acknowledgements", ApiTokens.viewer(), alertId, "looking").statusCode()).isEqualTo(403);
        assertThat(post("acknowledgements", ApiTokens.operator(), alertId, " ").statusCode()).isEqualTo(400);
        HttpResponse<String> none = post("acknowledgements", ApiTokens.operator(), "dump-failed/nobody", "looking");
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(none.body()).contains("no alert dump-failed/nobody is open");
        // Then nothing changed
        assertThat(OpenAlerts.find(alerts, alertId).orElseThrow().path("acknowledged").isNull()).isTrue();

        // When an operator acknowledges it, saying why
        HttpResponse<String> acked = post("acknowledgements", ApiTokens.token("alice", List.of("operator")), alertId,
                "restoring the credentials");
        assertThat(acked.statusCode()).as(acked.body()).isEqualTo(200);

        // Then every channel hears who and why (PagerDuty acknowledges its incident), and the alert stays open
        await().atMost(Duration.ofSeconds(60)).until(() -> Received.pagerDuty("amyterm-backup/" + alertId).size() == 2
                && Received.webhook(alertId).size() == 2 && Received.slack(database).size() == 2
                && Received.mails(database).size() == 2);
        assertThat(Received.pagerDuty("amyterm-backup/" + alertId).get(1).path("event_action").asText())
                .isEqualTo("acknowledge");
        JsonNode ack = Received.webhook(alertId).get(1);
        assertThat(ack.path("transition").asText()).isEqualTo("updated");
        assertThat(ack.path("acknowledged").path("by").asText()).isEqualTo("alice");
        assertThat(ack.path("acknowledged").path("why").asText()).isEqualTo("restoring the credentials");
        assertThat(Received.slack(database).get(1)).contains("ACKNOWLEDGED", "alice", "restoring the credentials");
        assertThat(Received.mails(database).get(1).getSubject()).startsWith("[ACKNOWLEDGED]");
        assertThat(OpenAlerts.find(alerts, alertId).orElseThrow().path("acknowledged").path("by").asText())
                .isEqualTo("alice");
        // and a repeat of the failure is counted, still acknowledged, and told to nobody
        org.amyterm.backup.notifier.Topics.publish(Events.dumpFailed(database));
        await().atMost(Duration.ofSeconds(30)).until(() -> OpenAlerts.find(alerts, alertId)
                .map(a -> a.path("count").asInt()).orElse(0) == 2);
        assertThat(OpenAlerts.find(alerts, alertId).orElseThrow().path("acknowledged").path("by").asText())
                .isEqualTo("alice");

        // When an operator resolves it by hand
        HttpResponse<String> resolved = post("resolutions", ApiTokens.token("bob", List.of("operator")), alertId,
                "credentials rotated; next backup due tonight");
        assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);

        // Then it is closed on every channel, saying by whom, and both actions are in the audit trail
        await().atMost(Duration.ofSeconds(60)).until(() -> Received.pagerDuty("amyterm-backup/" + alertId).size() == 3
                && Received.webhook(alertId).size() == 3);
        assertThat(Received.pagerDuty("amyterm-backup/" + alertId).get(2).path("event_action").asText()).isEqualTo("resolve");
        assertThat(Received.webhook(alertId).get(2).path("resolvedBy").path("by").asText()).isEqualTo("bob");
        assertThat(Received.webhook(alertId).get(2).path("summary").asText()).contains("RESOLVED by bob",
                "credentials rotated");
        assertThat(OpenAlerts.find(alerts, alertId)).isEmpty();
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(NotifierResource.audit)
                && Files.readString(NotifierResource.audit).contains("credentials rotated; next backup due tonight"));
        assertThat(Files.readAllLines(NotifierResource.audit)).anyMatch(l -> l.contains(AlertChanged.TYPE)
                && l.contains("\"by\":\"alice\"") && l.contains("restoring the credentials"));
        // and resolving it again finds nothing open
        assertThat(post("resolutions", ApiTokens.operator(), alertId, "again").statusCode()).isEqualTo(404);
        // and a viewer still finds it among the recent alerts, resolved, saying by whom and why
        JsonNode recent = get("recent?limit=500", ApiTokens.viewer());
        JsonNode closed = java.util.stream.StreamSupport.stream(recent.spliterator(), false)
                .filter(a -> a.path("alertId").asText().equals(alertId)).findFirst().orElseThrow();
        assertThat(closed.path("transition").asText()).isEqualTo("resolved");
        assertThat(closed.path("resolvedBy").path("by").asText()).isEqualTo("bob");
        // with how it went before: opened, acknowledged by alice, counted again
        List<String> history = new java.util.ArrayList<>();
        closed.path("history").forEach(step -> history.add(step.path("transition").asText() + " "
                + step.path("by").asText("-")));
        assertThat(history).containsExactly("opened -", "updated alice", "updated -");
        // and each channel's last delivery is told, none failing
        JsonNode channels = get("deliveries", ApiTokens.viewer());
        assertThat(channels).hasSize(4);
        for (JsonNode channel : channels) {
            assertThat(channel.path("configured").asBoolean()).as(channel.toString()).isTrue();
            assertThat(channel.path("outcome").asText()).as(channel.toString()).isEqualTo("delivered");
        }
        // and each is on the compacted topic the other replicas read, keyed by its channel
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(deliveryRecords())
                .containsKeys("webhook", "slack", "email", "pagerduty")
                .allSatisfy((channel, record) -> assertThat(record).contains("\"outcome\":\"delivered\"")));
    }

    /** The latest record of each key on backup.alert-deliveries, read from its beginning. */
    private static java.util.Map<String, String> deliveryRecords() {
        java.util.Properties config = new java.util.Properties();
        config.put("bootstrap.servers", NotifierResource.broker.bootstrapServers());
        java.util.Map<String, String> latest = new java.util.HashMap<>();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(config,
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.StringDeserializer())) {
            var partitions = consumer.partitionsFor(org.amyterm.backup.contracts.Topics.ALERT_DELIVERIES, Duration.ofSeconds(10))
                    .stream().map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            for (int polls = 0; polls < 60 && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)); polls++) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> latest.put(r.key(), r.value()));
            }
        }
        return latest;
    }

    private JsonNode get(String path, String token) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(alerts + "/" + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
    }

    private HttpResponse<String> post(String action, String token, String alertId, String why) throws Exception {
        String body = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("alertId", alertId)
                .put("why", why).toString();
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(alerts + "/" + action))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void failureStillBeingRetriedWarnsAndItsGiveUpEscalates() {
        // Given a store outage reported when it starts (still retrying)
        String database = "retrying_" + UUID.randomUUID().toString().substring(0, 8);
        String backupId = Events.newBackupId();
        org.amyterm.backup.notifier.Topics.publish(new StageFailed(backupId, database, Stage.STORE,
                FailureReason.STORE_UNAVAILABLE, "object store unreachable", true, Instant.now(), Instant.now().plusSeconds(3600)));

        // Then the first alert is a warning that says retries go on
        String alertId = "store-failed/" + database;
        await().atMost(Duration.ofSeconds(60)).until(() -> Received.webhook(alertId).size() == 1);
        JsonNode first = Received.webhook(alertId).get(0);
        assertThat(first.path("severity").asText()).isEqualTo("warning");
        assertThat(first.path("summary").asText()).contains("still retrying").doesNotContain("exhausted");

        // And the give-up escalates the same alert to critical: told again, paged with the same key
        org.amyterm.backup.notifier.Topics.publish(StageFailed.of(backupId, database, Stage.STORE,
                FailureReason.STORE_UNAVAILABLE, "object store unreachable; gave up after retrying for PT1H", Instant.now()));
        await().atMost(Duration.ofSeconds(60)).until(() -> Received.webhook(alertId).size() == 2
                && Received.pagerDuty("amyterm-backup/" + alertId).size() == 2);
        JsonNode second = Received.webhook(alertId).get(1);
        assertThat(second.path("transition").asText()).isEqualTo("escalated");
        assertThat(second.path("severity").asText()).isEqualTo("critical");
        assertThat(second.path("summary").asText()).contains("gave up", "retries were exhausted");
        assertThat(Received.pagerDuty("amyterm-backup/" + alertId)).extracting(e -> e.path("payload").path("severity").asText())
                .containsExactly("warning", "critical");
    }

    @Test
    void passingVerificationIsANoticeOnTheWebhookOnlyAndAFailedOneAlertsOnceThroughItsStageFailed() {
        String database = "verified_" + UUID.randomUUID().toString().substring(0, 8);
        org.amyterm.backup.notifier.Topics.publish(Events.verified(database, true, 4321));
        await().atMost(Duration.ofSeconds(60)).until(() -> NotifierResource.webhook.bodies().stream()
                .anyMatch(b -> b.contains(database) && b.contains("\"notice\"")));
        JsonNode notice = Received.json(NotifierResource.webhook.bodies().stream().filter(b -> b.contains(database))
                .findFirst().orElseThrow());
        assertThat(notice.path("severity").asText()).isEqualTo("info");
        assertThat(notice.path("summary").asText()).contains("passed", "4321 ms", "verification.json");

        // a failed restore test raises its StageFailed, which is the one alert
        org.amyterm.backup.notifier.Topics.publish(Events.verified(database, false, 10));
        String backupId = Events.newBackupId();
        org.amyterm.backup.notifier.Topics.publish(StageFailed.of(backupId, database, Stage.VERIFY, FailureReason.CHECK_FAILED,
                "row-counts: concept differs", Instant.now()));
        await().atMost(Duration.ofSeconds(60)).until(() -> Received.webhook("verify-failed/" + database).size() == 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> NotifierResource.webhook.bodies()
                .stream().filter(b -> b.contains(database)).count() == 2);
        // and notices are not pages
        assertThat(NotifierResource.pagerDuty.bodies()).noneMatch(b -> b.contains("notice/") && b.contains(database));
    }

    @Test
    void aPassingRestoreTestDeliveredTwiceIsToldOnceAndTheNextOneIsToldToo() {
        // Given a passing restore test, delivered twice (a redelivery after a broker restart), then another one
        String database = "twice_" + UUID.randomUUID().toString().substring(0, 8);
        org.amyterm.backup.contracts.RestoreVerified first = Events.verified(database, true, 1111);
        org.amyterm.backup.notifier.Topics.publish(first);
        org.amyterm.backup.notifier.Topics.publish(first);
        org.amyterm.backup.notifier.Topics.publish(Events.verified(database, true, 2222));

        // Then the webhook hears of each test once: the third event is told, so the second was handled before it
        await().atMost(Duration.ofSeconds(60)).until(() -> NotifierResource.webhook.bodies().stream()
                .anyMatch(b -> b.contains(database) && b.contains("2222 ms")));
        assertThat(NotifierResource.webhook.bodies().stream().filter(b -> b.contains(database)).map(Received::json)
                .map(n -> n.path("summary").asText())).hasSize(2).anyMatch(t -> t.contains("1111 ms"))
                .anyMatch(t -> t.contains("2222 ms"));
    }

    @Test
    void aFailedNewBackupStaysAlertedThroughTheReTestOfAnOlderOneUntilANewerOnePasses() {
        // Given the restore test of today's backup failed, while last week's backup is the last known good
        String database = "retested_" + UUID.randomUUID().toString().substring(0, 8);
        String lastWeek = BackupId.of(Instant.now().minus(Duration.ofDays(7)), "last-week");
        String today = BackupId.of(Instant.now().minus(Duration.ofHours(1)), "today");
        org.amyterm.backup.notifier.Topics.publish(StageFailed.of(today, database, Stage.VERIFY,
                FailureReason.CHECK_FAILED, "row-counts: concept differs", Instant.now()));
        String alertId = "verify-failed/" + database;
        await().atMost(Duration.ofSeconds(60)).until(() -> Received.webhook(alertId).size() == 1);

        // When last week's backup passes its weekly re-test
        org.amyterm.backup.notifier.Topics.publish(passed(lastWeek, database));

        // Then that is a notice, and the alert about today's backup stays open
        await().atMost(Duration.ofSeconds(60)).until(() -> NotifierResource.webhook.bodies().stream()
                .anyMatch(b -> b.contains(database) && b.contains("\"notice\"")));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> Received.webhook(alertId).size() == 1);

        // And when a newer backup passes, it is resolved
        String tomorrow = BackupId.of(Instant.now(), "newer");
        org.amyterm.backup.notifier.Topics.publish(passed(tomorrow, database));
        await().atMost(Duration.ofSeconds(60)).until(() -> Received.webhook(alertId).size() == 2);
        assertThat(Received.webhook(alertId).get(1).path("transition").asText()).isEqualTo("resolved");
    }

    private static org.amyterm.backup.contracts.RestoreVerified passed(String backupId, String database) {
        return new org.amyterm.backup.contracts.RestoreVerified(backupId, database, true, 100,
                java.util.List.of(org.amyterm.backup.contracts.CheckResult.pass("row-counts", "10 tables")),
                "amyterm/" + database + "/" + backupId + "/verification.json", Instant.now(), "PT4H");
    }

    @Test
    void noSecretReachesTheLogOrTheAlertTopic() throws Exception {
        // Given alerts went out on every channel (the other tests of this class, or this one's)
        String database = "secrets_" + UUID.randomUUID().toString().substring(0, 8);
        org.amyterm.backup.notifier.Topics.publish(Events.dumpFailed(database));
        await().atMost(Duration.ofSeconds(60)).until(() -> Received.pagerDuty("amyterm-backup/dump-failed/" + database).size() == 1
                && Received.slack(database).size() == 1);

        // Then neither the log nor backup.alerts holds the HMAC secret, the routing key or Slack's token
        List<String> secrets = List.of(NotifierResource.HMAC_SECRET, NotifierResource.ROUTING_KEY, NotifierResource.SLACK_TOKEN);
        String log = Files.readString(NotifierResource.log);
        assertThat(log).contains(database);
        String alerts = String.join("\n", org.amyterm.backup.notifier.Topics.read(Topics.ALERTS).stream()
                .map(r -> r.value()).toList());
        assertThat(alerts).contains(database);
        for (String secret : secrets) {
            assertThat(log).doesNotContain(secret);
            assertThat(alerts).doesNotContain(secret);
        }
    }
}
