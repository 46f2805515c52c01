package org.amyterm.backup.storage.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.Duration;
import java.util.Map;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.SpoolFileNames;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.storage.spool.KeptDumpRecords;
import org.amyterm.backup.testsupport.ApiTokens;
import org.junit.jupiter.api.Test;

/**
 * When storing cannot succeed: an outage longer than the retry window ends in a give-up alert, a
 * store that refuses the request alerts at once; the spool file is kept in both cases.
 */
@QuarkusTest
@QuarkusTestResource(StoreResource.class)
@TestProfile(StoreGiveUpTest.ShortWindowAndNoBucket.class)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class StoreGiveUpTest extends StorageServiceTest {
    /** Storing kept dumps creates the bucket the other tests need missing: it runs last. */
    @TestHTTPResource("/kept/store")
    URI keptStore;

    @Inject
    KeptDumpRecords records;

    /** A retry window of seconds, and a bucket that does not exist. */
    public static class ShortWindowAndNoBucket implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("amyterm.storage.retry.window", "5s", "amyterm.storage.kept.retry-every", "1h",
                    "amyterm.store.bucket", "no-such-bucket",
                    "amyterm.store.create-bucket", "false");
        }
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void outageLongerThanTheWindowAlertsTwiceAndKeepsTheSpoolFile() {
        // Given a spooled dump, and the object store down for longer than the retry window
        BackupCompleted dump = Dumps.spooled(Dumps.randomBytes(1000));
        StoreResource.s3.stop();
        try {
            // When its BackupCompleted arrives
            send(dump);

            // Then a first alert says it is retrying, and a second that it gave up and kept the spool file
            await().atMost(Duration.ofSeconds(90)).until(() -> failures().size() == 2);
            StageFailed first = failures().get(0);
            StageFailed gaveUp = failures().get(1);
            assertThat(first.stillRetrying()).isTrue();
            assertThat(gaveUp.stillRetrying()).isFalse();
            assertThat(gaveUp.reason()).isEqualTo(FailureReason.STORE_UNAVAILABLE);
            assertThat(gaveUp.message()).contains("gave up after retrying for PT5S", "is kept", dump.spoolFile());
            assertThat(Path.of(dump.spoolFile())).exists();
            assertThat(events.ofType(BackupStored.TYPE)).isEmpty();
        } finally {
            StoreResource.s3.startAgain();
        }
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void storeThatRefusesTheRequestAlertsAtOnceWithoutRetryingAndKeepsTheSpoolFile() {
        // Given a spooled dump, and a store that answers but has no such bucket
        BackupCompleted dump = Dumps.spooled(Dumps.randomBytes(1000));

        // When its BackupCompleted arrives
        send(dump);

        // Then one alert says the store refused it, not retryable, and the spool file is kept
        await().atMost(Duration.ofSeconds(60)).until(() -> failures().size() == 1);
        StageFailed refused = failures().get(0);
        assertThat(refused.reason()).isEqualTo(FailureReason.STORE_REJECTED);
        assertThat(refused.retryable()).isFalse();
        assertThat(refused.stillRetrying()).isFalse();
        assertThat(refused.message()).contains("does the bucket exist?", "is kept");
        assertThat(Path.of(dump.spoolFile())).exists();
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void aKeptDumpIsStoredOnceTheStoreTakesItAndOneKeptTooLongIsRemovedWithAnAlert() throws Exception {
        // Given a dump kept after the store refused it, its record beside it
        BackupCompleted dump = Dumps.spooled(Dumps.randomBytes(1000));
        send(dump);
        await().atMost(Duration.ofSeconds(60)).until(() -> failures().stream()
                .anyMatch(f -> f.backupId().equals(dump.backupId())));
        Path record = Path.of(dump.spoolFile()).resolveSibling(SpoolFileNames.kept(dump.backupId()));
        assertThat(record).exists();
        assertThat(EventJson.read(Files.readString(record), BackupCompleted.class)).isEqualTo(dump);
        // and another dump, kept for longer than amyterm.storage.kept.max-age
        BackupCompleted old = Dumps.spooled(Dumps.randomBytes(1000));
        records.keep(old);
        Path oldRecord = Path.of(old.spoolFile()).resolveSibling(SpoolFileNames.kept(old.backupId()));
        Files.setLastModifiedTime(oldRecord, FileTime.from(Instant.now().minus(Duration.ofDays(8))));
        events.clear();

        // When the store takes requests again and an operator asks for the kept dumps to be stored
        try (software.amazon.awssdk.services.s3.S3Client s3 = software.amazon.awssdk.services.s3.S3Client.builder()
                .endpointOverride(URI.create(StoreResource.s3.endpoint())).forcePathStyle(true)
                .region(software.amazon.awssdk.regions.Region.US_EAST_1).credentialsProvider(
                        software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                                        StoreResource.s3.accessKey(), StoreResource.s3.secretKey())))
                .build()) {
            s3.createBucket(b -> b.bucket("no-such-bucket"));
        }
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(keptStore)
                .header("Authorization", "Bearer " + ApiTokens.operator()).timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        // Then the kept dump is stored and announced, and its spool file and record are gone
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).contains("\"backupId\":\"" + dump.backupId() + "\",\"database\":\"amyterm\","
                + "\"outcome\":\"stored\"");
        assertThat(events.ofType(BackupStored.TYPE)).anySatisfy(m -> assertThat(EventJson.read(m.getPayload(),
                BackupStored.class).backupId()).isEqualTo(dump.backupId()));
        assertThat(store.exists(layout.manifestKey("amyterm", dump.backupId()))).isTrue();
        assertThat(Path.of(dump.spoolFile())).doesNotExist();
        assertThat(record).doesNotExist();
        // and the one kept too long is removed from the spool, with an alert saying so, and nothing stored of it
        assertThat(answer.body()).contains("\"backupId\":\"" + old.backupId() + "\",\"database\":\"amyterm\","
                + "\"outcome\":\"removed\"");
        assertThat(Path.of(old.spoolFile())).doesNotExist();
        assertThat(Path.of(old.globals().spoolFile())).doesNotExist();
        assertThat(oldRecord).doesNotExist();
        assertThat(failures()).anySatisfy(f -> {
            assertThat(f.backupId()).isEqualTo(old.backupId());
            assertThat(f.reason()).isEqualTo(FailureReason.KEPT_DUMP_EXPIRED);
            assertThat(f.message()).contains("amyterm.storage.kept.max-age", "take a new backup");
        });
        assertThat(store.exists(layout.manifestKey("amyterm", old.backupId()))).isFalse();
        // and a viewer may not ask for it
        assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(keptStore)
                .header("Authorization", "Bearer " + ApiTokens.viewer()).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
    }

    private java.util.List<StageFailed> failures() {
        return events.ofType(StageFailed.TYPE).stream().map(m -> EventJson.read(m.getPayload(), StageFailed.class))
                .toList();
    }
}
