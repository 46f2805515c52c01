package org.amyterm.backup.notifier.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.amyterm.backup.contracts.ScheduleDeclared;
import org.amyterm.backup.notifier.NotifierResource;
import org.amyterm.backup.notifier.Received;
import org.amyterm.backup.notifier.Topics;
import org.amyterm.backup.notifier.lifecycle.AlertBook;
import org.amyterm.backup.notifier.lifecycle.Conditions;
import org.amyterm.backup.objectstore.BackupCatalogue;
import org.junit.jupiter.api.Test;

/**
 * A database with backups in the bucket that the backup service no longer declares is alerted
 * once as no longer backed up, and its RPO alert ends; the declared ones are judged as before.
 */
@QuarkusTest
@QuarkusTestResource(value = NotifierResource.class, restrictToAnnotatedClass = false)
class NoLongerBackedUpTest {
    private static final String SERVICE = "test-backup-service";

    @Inject
    AlertBook book;

    @Inject
    BackupCatalogue catalogue;

    @io.quarkus.test.common.http.TestHTTPResource("/q/metrics")
    java.net.URI metrics;

    @Test
    void aDatabaseNoBackupServiceDeclaresAnyMoreIsAlertedOnceAndItsRpoAlertEnds() {
        // Given a database whose newest backup in the bucket is 2 h old, with an RPO of 1 h: its RPO alert is open
        String dropped = NotifierResource.BUCKET_DROPPED;
        await().atMost(Duration.ofSeconds(60)).until(() -> book.isOpen(Conditions.RPO_EXCEEDED, dropped));

        // When the backup service declares every database in the bucket but that one
        Set<String> declared = new TreeSet<>(catalogue.databases());
        declared.remove(dropped);
        // (and one it was newly given, with no backup yet)
        String added = "declared_only";
        declared.add(added);
        Topics.publish(new ScheduleDeclared(SERVICE, List.copyOf(declared), Instant.now()));
        try {
            // Then it is alerted once as no longer backed up, saying who declared what and what to do
            String alertId = Conditions.NO_LONGER_BACKED_UP + "/" + dropped;
            await().atMost(Duration.ofSeconds(60)).until(() -> Received.webhook(alertId).size() == 1);
            assertThat(Received.webhook(alertId).get(0).path("summary").asText())
                    .contains(dropped + " has backups in the bucket but no backup service is configured for it", SERVICE,
                            "resolve this alert");
            // and its RPO alert ends, naming why
            await().atMost(Duration.ofSeconds(30)).until(() -> !book.isOpen(Conditions.RPO_EXCEEDED, dropped));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    Received.webhook(Conditions.RPO_EXCEEDED + "/" + dropped)).last().satisfies(last -> assertThat(
                            last.path("summary").asText()).contains("is no longer backed up")));
            // and a database only declared is watched (its RPO series is exported), without waiting for a first backup
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(java.net.http.HttpClient.newHttpClient()
                    .send(java.net.http.HttpRequest.newBuilder(metrics).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).body())
                    .contains("amyterm_backup_rpo_seconds{database=\"" + added + "\"}"));
            // while a database still declared keeps its own (the twin)
            await().atMost(Duration.ofSeconds(30)).until(() -> book.isOpen(Conditions.RPO_EXCEEDED,
                    NotifierResource.BUCKET_ONLY));

            // and once an operator resolves it, tick after tick nobody is told again
            book.resolveByHand(alertId, "alice", "decommissioned on purpose");
            await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(12))
                    .until(() -> Received.webhook(alertId).size() == 2 && !book.isOpen(Conditions.NO_LONGER_BACKED_UP, dropped));
        } finally {
            Topics.sendRaw(org.amyterm.backup.contracts.Topics.SCHEDULES, SERVICE, null); // withdrawn: as before
        }
    }
}
