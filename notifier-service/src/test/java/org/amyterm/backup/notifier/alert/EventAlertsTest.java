package org.amyterm.backup.notifier.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.RestoreVerified;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageFailed;
import org.junit.jupiter.api.Test;

/** Failures, verifications and dead letters reach the webhook once each, as JSON a person can act on. */
@QuarkusTest
@QuarkusTestResource(WebhookResource.class)
class EventAlertsTest {
    @Inject
    @Any
    InMemoryConnector connector;

    @Test
    void stageFailureIsPostedOnceEvenWhenRedelivered() throws Exception {
        // Given a dump failure, delivered twice (as after a consumer restart)
        String backupId = BackupId.of(Instant.now(), UUID.randomUUID().toString());
        StageFailed failed = StageFailed.of(backupId, "amyterm", Stage.DUMP, FailureReason.SOURCE_AUTH_FAILED,
                "PostgreSQL refused the backup credentials", Instant.now());
        connector.source("backup-failed").send(EventJson.write(failed));
        connector.source("backup-failed").send(EventJson.write(failed));

        // Then the webhook gets one critical notification naming stage, reason and message
        await().atMost(Duration.ofSeconds(30)).until(() -> posted(backupId).size() == 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> posted(backupId).size() == 1);
        JsonNode body = new ObjectMapper().readTree(posted(backupId).get(0));
        assertThat(body.get("severity").asText()).isEqualTo("critical");
        assertThat(body.get("eventType").asText()).isEqualTo(StageFailed.TYPE);
        assertThat(body.get("summary").asText()).contains("dump", "amyterm", "AT-DUMP-002", "refused the backup credentials");
        assertThat(body.get("event").get("stage").asText()).isEqualTo("dump");
    }

    @Test
    void failureStillBeingRetriedSaysSoAndItsGiveUpIsASecondAlert() throws Exception {
        // Given a store outage reported when it starts (still retrying), then given up on
        String backupId = BackupId.of(Instant.now(), UUID.randomUUID().toString());
        StageFailed retrying = new StageFailed(backupId, "amyterm", Stage.STORE, FailureReason.STORE_UNAVAILABLE,
                "object store unreachable", true, Instant.now(), Instant.now().plusSeconds(3600));
        StageFailed gaveUp = StageFailed.of(backupId, "amyterm", Stage.STORE, FailureReason.STORE_UNAVAILABLE,
                "object store unreachable; gave up after retrying for PT1H", Instant.now());
        connector.source("backup-failed").send(EventJson.write(retrying));

        // Then the first alert says retries go on, not that they were exhausted
        await().atMost(Duration.ofSeconds(30)).until(() -> posted(backupId).size() == 1);
        String first = new ObjectMapper().readTree(posted(backupId).get(0)).get("summary").asText();
        assertThat(first).contains("still retrying").doesNotContain("exhausted");

        // And the give-up is an alert of its own
        connector.source("backup-failed").send(EventJson.write(gaveUp));
        await().atMost(Duration.ofSeconds(30)).until(() -> posted(backupId).size() == 2);
        assertThat(new ObjectMapper().readTree(posted(backupId).get(1)).get("summary").asText())
                .contains("gave up", "retries were exhausted");
    }

    @Test
    void verificationIsPostedWithItsRestoreTime() throws Exception {
        String backupId = BackupId.of(Instant.now(), UUID.randomUUID().toString());
        RestoreVerified verified = new RestoreVerified(backupId, "amyterm", true, 4321,
                List.of(CheckResult.pass("row-counts", "10 tables")), "k/verification.json", Instant.now());
        connector.source("backup-verified").send(EventJson.write(verified));

        await().atMost(Duration.ofSeconds(30)).until(() -> posted(backupId).size() == 1);
        JsonNode body = new ObjectMapper().readTree(posted(backupId).get(0));
        assertThat(body.get("severity").asText()).isEqualTo("info");
        assertThat(body.get("summary").asText()).contains("passed", "4321 ms", "k/verification.json");
    }

    @Test
    void failedVerificationIsNotASecondAlertBesideItsStageFailed() {
        String backupId = BackupId.of(Instant.now(), UUID.randomUUID().toString());
        connector.source("backup-verified").send(EventJson.write(new RestoreVerified(backupId, "amyterm", false, 10,
                List.of(CheckResult.fail("row-counts", "concept differs")), "k/verification.json", Instant.now())));
        connector.source("backup-failed").send(EventJson.write(StageFailed.of(backupId, "amyterm", Stage.VERIFY,
                FailureReason.CHECK_FAILED, "row-counts: concept differs", Instant.now())));

        await().atMost(Duration.ofSeconds(30)).until(() -> posted(backupId).size() == 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> posted(backupId).size() == 1);
        assertThat(posted(backupId).get(0)).contains(StageFailed.TYPE, "AT-VERIFY-003");
    }

    @Test
    void malformedEventDoesNotStopTheNextAlert() {
        connector.source("backup-failed").send("{\"database\": 42");
        String backupId = BackupId.of(Instant.now(), UUID.randomUUID().toString());
        connector.source("backup-failed").send(EventJson.write(StageFailed.of(backupId, "amyterm", Stage.STORE,
                FailureReason.STORE_UNAVAILABLE, "bucket down", Instant.now())));
        await().atMost(Duration.ofSeconds(30)).until(() -> posted(backupId).size() == 1);
    }

    @Test
    void deadLetterIsAnAlertToo() {
        String marker = "unreadable-" + UUID.randomUUID();
        connector.source("dead-letters").send("{\"garbage\": \"" + marker + "\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> WebhookResource.webhook.bodies().stream()
                .anyMatch(b -> b.contains("dead-letter") && b.contains(marker)));
    }

    private static List<String> posted(String backupId) {
        return WebhookResource.webhook.bodies().stream().filter(b -> b.contains(backupId)).toList();
    }
}
