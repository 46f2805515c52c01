package org.amyterm.backup.notifier.watchdog;

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
import java.time.Instant;
import org.amyterm.backup.notifier.Events;
import org.amyterm.backup.notifier.NotifierResource;
import org.amyterm.backup.notifier.Received;
import org.amyterm.backup.notifier.Topics;
import org.junit.jupiter.api.Test;

/**
 * Silence is noticed: no backup service runs here at all, so nothing stores a backup of the
 * watched database (RPO 20 s) until the test does.
 */
@QuarkusTest
@QuarkusTestResource(value = NotifierResource.class, restrictToAnnotatedClass = false)
class WatchdogTest {
    @TestHTTPResource("/q/metrics")
    URI metrics;

    @Test
    void noBackupWithinTheRpoRaisesAnAlertThatAStoredBackupResolves() throws Exception {
        String alertId = "rpo-exceeded/" + NotifierResource.WATCHED;
        // Given no backup of the watched database is stored (its bucket folder is empty, no events)
        // Then the RPO alert is raised once the RPO has passed
        await().atMost(Duration.ofSeconds(90)).until(() -> Received.webhook(alertId).size() == 1);
        JsonNode raised = Received.webhook(alertId).get(0);
        assertThat(raised.path("severity").asText()).isEqualTo("critical");
        assertThat(raised.path("summary").asText()).contains("No backup of " + NotifierResource.WATCHED, "RPO of PT20S");
        assertThat(Received.pagerDuty("amyterm-backup/" + alertId)).hasSize(1);

        // When a backup is stored
        Topics.publish(Events.stored(NotifierResource.WATCHED));

        // Then it is resolved, and the metrics show when the backup was stored and the RPO
        await().atMost(Duration.ofSeconds(60)).until(() -> Received.webhook(alertId).size() == 2);
        assertThat(Received.webhook(alertId).get(1).path("transition").asText()).isEqualTo("resolved");
        assertThat(Received.pagerDuty("amyterm-backup/" + alertId).get(1).path("event_action").asText()).isEqualTo("resolve");
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(text).contains("amyterm_backup_last_stored_timestamp_seconds{database=\"" + NotifierResource.WATCHED + "\"}",
                "amyterm_backup_rpo_seconds{database=\"" + NotifierResource.WATCHED + "\"} 20.0");
    }

    @Test
    void noBackupWithinTheRpoThatPassedItsRestoreTestIsAnAlertOfItsOwnThatANewPassResolves() {
        String alertId = "verified-rpo-exceeded/" + NotifierResource.WATCHED;
        // Given no backup of the watched database passed a restore test within its RPO (20 s)
        // Then that is an alert of its own, besides the one about stored backups
        await().atMost(Duration.ofSeconds(90)).until(() -> !Received.webhook(alertId).isEmpty());
        JsonNode raised = Received.webhook(alertId).get(0);
        assertThat(raised.path("severity").asText()).isEqualTo("critical");
        assertThat(raised.path("summary").asText()).contains("passed its restore test",
                "would lose more than its RPO of PT20S");

        // When a new backup passes its restore test, Then it resolves
        Topics.publish(Events.verified(NotifierResource.WATCHED, true, 1000));
        await().atMost(Duration.ofSeconds(60)).until(() -> Received.webhook(alertId).stream()
                .anyMatch(change -> change.path("transition").asText().equals("resolved")));
    }

    @Test
    void whatTheBucketHoldsCountsWhenNoEventSaidSo() {
        // Given backups no event announced: one stored 30 min ago, one 2 h ago (both RPO 1 h)
        // Then the older one alerts at once, naming when it was stored, and the newer one does not
        String stale = "rpo-exceeded/" + NotifierResource.BUCKET_STALE;
        await().atMost(Duration.ofSeconds(60)).until(() -> Received.webhook(stale).size() == 1);
        assertThat(Received.webhook(stale).get(0).path("summary").asText())
                .contains("stored since " + NotifierResource.staleStoredAt, "RPO of PT1H");
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15))
                .until(() -> Received.webhook("rpo-exceeded/" + NotifierResource.BUCKET_FRESH).isEmpty());
    }

    @Test
    void aDatabaseOnlyTheBucketKnowsIsWatchedByTheRpoItsManifestRecords() throws Exception {
        // Given a database the notifier is not configured for, whose only backup (2 h old) records an RPO of 1 h
        // Then it is alerted as any configured one, by that RPO, and its RPO is a metric
        String alertId = "rpo-exceeded/" + NotifierResource.BUCKET_ONLY;
        await().atMost(Duration.ofSeconds(60)).until(() -> Received.webhook(alertId).size() == 1);
        assertThat(Received.webhook(alertId).get(0).path("summary").asText())
                .contains("No backup of " + NotifierResource.BUCKET_ONLY, "RPO of PT1H");
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(text).contains("amyterm_backup_rpo_seconds{database=\"" + NotifierResource.BUCKET_ONLY + "\"} 3600.0");
        // (the watchdog runs on the active replica: this one, alone in its group)
        assertThat(text).containsPattern("(?m)^amyterm_notifier_active(\\{[^}]*})? 1\\.0$");
    }

    @Test
    void aManifestPlantedWithoutItsSignatureIsAlertedAndCountsForNothing() {
        // Given a database whose only manifest in the bucket is unsigned (planted by a bucket writer),
        // beside one whose manifest the storage key signed (its twin)
        // Then the planted folder is alerted, naming why, and does not count as a stored backup
        String planted = "bucket-untrusted/" + NotifierResource.BUCKET_PLANTED;
        await().atMost(Duration.ofSeconds(60)).until(() -> Received.webhook(planted).size() == 1);
        assertThat(Received.webhook(planted).get(0).path("severity").asText()).isEqualTo("critical");
        assertThat(Received.webhook(planted).get(0).path("summary").asText())
                .contains("1 backup folder(s) of " + NotifierResource.BUCKET_PLANTED, "manifest.json has no signature");
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15))
                .until(() -> Received.webhook("bucket-untrusted/" + NotifierResource.BUCKET_FRESH).isEmpty());
        assertThat(Received.webhook("rpo-exceeded/" + NotifierResource.BUCKET_FRESH))
                .as("the signed manifest counts as a stored backup").isEmpty();
    }

    @Test
    void aFolderCaughtBetweenItsManifestAndItsSignatureIsNotAlerted() throws Exception {
        // Given a new database's manifest in the bucket, its signature not yet written, and the watchdog has seen it so
        String database = NotifierResource.BUCKET_SIGNING;
        String backupId = NotifierResource.writeUnsignedManifest(database, Instant.now().minus(Duration.ofMinutes(5)));
        String unproved = "amyterm_backup_bucket_untrusted_files{database=\"" + database + "\"}";
        await().atMost(Duration.ofSeconds(30)).until(() -> metricsText().contains(unproved + " 1.0"));

        // When the signature follows within the settle period (8 s here)
        NotifierResource.signManifest(database, backupId);

        // Then the folder proves itself at the next look and is never alerted
        await().atMost(Duration.ofSeconds(10)).until(() -> metricsText().contains(unproved + " 0.0"));
        await().during(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(20))
                .until(() -> Received.webhook("bucket-untrusted/" + database).isEmpty());
    }

    private String metricsText() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void restoreSlowerThanTheRtoTargetIsAWarningUntilOneIsWithinIt() {
        String alertId = "rto-exceeded/" + NotifierResource.WATCHED;
        // Given a restore test that took 9 s against a target of 5 s
        Topics.publish(Events.verified(NotifierResource.WATCHED, true, 9000));
        await().atMost(Duration.ofSeconds(60)).until(() -> Received.webhook(alertId).size() == 1);
        assertThat(Received.webhook(alertId).get(0).path("severity").asText()).isEqualTo("warning");
        assertThat(Received.webhook(alertId).get(0).path("summary").asText()).contains("PT9S", "RTO target of PT5S");

        // When the next one is within it, the alert resolves
        Topics.publish(Events.verified(NotifierResource.WATCHED, true, 1000));
        await().atMost(Duration.ofSeconds(60)).until(() -> Received.webhook(alertId).size() == 2);
        assertThat(Received.webhook(alertId).get(1).path("transition").asText()).isEqualTo("resolved");
    }
}
