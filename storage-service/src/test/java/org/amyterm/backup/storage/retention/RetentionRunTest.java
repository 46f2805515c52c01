package org.amyterm.backup.storage.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.amyterm.backup.contracts.BackupExpired;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.messaging.RecordedEvents;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.storage.upload.StoreResource;
import org.amyterm.backup.testsupport.ApiTokens;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retention over the real bucket: it deletes whole folders by the policy, says so, and a dry run deletes nothing. */
@QuarkusTest
@QuarkusTestResource(StoreResource.class)
class RetentionRunTest {
    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    ObjectStore store;

    @Inject
    ObjectLayout layout;

    @Inject
    RetentionRun retention;

    @Inject
    org.amyterm.backup.objectstore.BackupCatalogue catalogue;

    @TestHTTPResource("/retention")
    URI retentionApi;

    private RecordedEvents events;

    @BeforeEach
    void clear() {
        events = new RecordedEvents(connector.sink("events"));
        events.clear();
    }

    @Test
    void expiredBackupsAreDeletedWholeAndAnnouncedWhileTheProtectedOnesStay() throws Exception {
        // Given, in the bucket, three recent verified backups, two daily ones 50 days old, a
        // pre-upgrade one 52 days old and one 60 days old whose restore test has not run
        Instant now = Instant.now();
        String database = "retained_" + Long.toHexString(now.toEpochMilli());
        List<BackupSummary> recent = List.of(put(database, verified(now, 0)), put(database, verified(now, 1)),
                put(database, verified(now, 2)));
        BackupSummary old1 = put(database, verified(now, 50));
        BackupSummary old2 = put(database, verified(now, 51));
        BackupSummary preUpgrade = put(database, Backups.verified(now.minus(Duration.ofDays(52)), BackupReason.PRE_UPGRADE));
        BackupSummary pending = put(database, Backups.stored(now.minus(Duration.ofDays(60))));

        // When an operator asks for a dry run (through the REST API the CLI uses)
        HttpResponse<String> dryRun = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(retentionApi + "?dryRun=true")).header("Authorization", "Bearer " + ApiTokens.operator()).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());

        // Then it lists exactly the two old daily backups as going, with their rule, and deletes nothing
        assertThat(dryRun.statusCode()).isEqualTo(200);
        RetentionRun.Report report = EventJson.read(dryRun.body(), RetentionRun.Report.class);
        assertThat(report.backups().stream().filter(e -> e.database().equals(database) && e.action().equals("would-delete"))
                .map(RetentionRun.Entry::backupId)).containsExactlyInAnyOrder(old1.backupId(), old2.backupId());
        assertThat(report.backups()).filteredOn(e -> e.backupId().equals(old1.backupId()))
                .singleElement().satisfies(e -> assertThat(e.rule()).isEqualTo("age:daily:35d"));
        assertThat(store.list(layout.backupFolder(database, old1.backupId()))).hasSize(5);
        assertThat(events.ofType(BackupExpired.TYPE)).isEmpty();

        // and a viewer asking for that database's forecast (as the console does) is told the same
        HttpResponse<String> forecast = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(retentionApi + "/forecast/" + database)).header("Authorization", "Bearer " + ApiTokens.viewer())
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forecast.statusCode()).isEqualTo(200);
        List<RetentionRun.Entry> entries = List.of(EventJson.read(forecast.body(), RetentionRun.Entry[].class));
        assertThat(entries).hasSize(7).allSatisfy(e -> assertThat(e.database()).isEqualTo(database));
        assertThat(entries).filteredOn(e -> e.action().equals("would-delete")).extracting(RetentionRun.Entry::backupId)
                .containsExactlyInAnyOrder(old1.backupId(), old2.backupId());
        assertThat(store.list(layout.backupFolder(database, old1.backupId()))).hasSize(5);

        // When retention runs for real
        retention.run(now, false);

        // Then of both old folders only the record of their expiry is left, and the catalogue says so
        for (BackupSummary gone : List.of(old1, old2)) {
            assertThat(store.list(layout.backupFolder(database, gone.backupId()))).containsExactlyInAnyOrder(
                    layout.expiredKey(database, gone.backupId()),
                    ObjectLayout.signatureKey(layout.expiredKey(database, gone.backupId())));
            assertThat(catalogue.find(database, gone.backupId())).get().satisfies(b -> {
                assertThat(b.untrusted()).isEmpty();
                assertThat(b.state()).isEqualTo(BackupSummary.State.EXPIRED);
                assertThat(b.expired().rule()).isEqualTo("age:daily:35d");
            });
        }
        // and each was announced once with what went and why
        List<BackupExpired> expired = events.ofType(BackupExpired.TYPE).stream()
                .map(m -> EventJson.read(m.getPayload(), BackupExpired.class)).filter(e -> e.database().equals(database))
                .toList();
        assertThat(expired).extracting(BackupExpired::backupId).containsExactlyInAnyOrder(old1.backupId(), old2.backupId());
        assertThat(expired).allSatisfy(e -> {
            assertThat(e.rule()).isEqualTo("age:daily:35d");
            assertThat(e.deletedKeys()).hasSize(5).last().asString().endsWith(ObjectLayout.MANIFEST_FILE);
        });
        // and everything protected is still there
        for (BackupSummary kept : List.of(recent.get(0), recent.get(1), recent.get(2), preUpgrade, pending)) {
            assertThat(store.exists(layout.manifestKey(database, kept.backupId()))).as(kept.backupId()).isTrue();
        }

        // and a second run finds nothing more to delete in that database, and announces nothing
        events.clear();
        RetentionRun.Report again = retention.run(now, false);
        assertThat(again.backups()).filteredOn(e -> e.database().equals(database))
                .noneMatch(e -> e.action().equals("deleted")).hasSize(5);
        assertThat(events.ofType(BackupExpired.TYPE).stream().map(m -> EventJson.read(m.getPayload(), BackupExpired.class))
                .filter(e -> e.database().equals(database))).isEmpty();
    }

    @Test
    void databaseWhoseNewestBackupFailedLosesNothing() {
        // Given good backups 100 days old and a failed one today
        Instant now = Instant.now();
        String database = "failing_" + Long.toHexString(now.toEpochMilli());
        BackupSummary old = put(database, verified(now, 100));
        BackupSummary older = put(database, verified(now, 101));
        BackupSummary older2 = put(database, verified(now, 102));
        BackupSummary oldest = put(database, verified(now, 103));
        put(database, Backups.failed(now));

        // When retention runs
        RetentionRun.Report report = retention.run(now, false);

        // Then nothing of that database is deleted, and the report says why
        for (BackupSummary kept : List.of(old, older, older2, oldest)) {
            assertThat(store.exists(layout.manifestKey(database, kept.backupId()))).isTrue();
        }
        assertThat(report.backups()).filteredOn(e -> e.database().equals(database))
                .allSatisfy(e -> assertThat(e.rule()).isEqualTo("hold:newest-failing"));
    }

    private static BackupSummary verified(Instant now, int daysAgo) {
        return Backups.verified(now.minus(Duration.ofDays(daysAgo)), BackupReason.SCHEDULED);
    }

    private BackupSummary put(String database, BackupSummary backup) {
        return new BucketFolders(store, layout).put(database, backup);
    }
}
