package org.amyterm.backup.verifier.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.RestoreVerified;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.contracts.Verification;
import org.amyterm.backup.contracts.VerificationRequested;
import org.amyterm.backup.messaging.RecordedEvents;
import org.amyterm.backup.objectstore.BackupCatalogue;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.testsupport.TestDirs;
import org.amyterm.backup.testsupport.ApiTokens;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Restore tests after the first: signed evidence per verification, re-verification that moves the
 * last known good, a redelivered request tested once, and a broken download ridden out.
 */
@QuarkusTest
@QuarkusTestResource(StagingResource.class)
class ReverificationTest {
    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    ObjectStore store;

    @Inject
    ObjectLayout layout;

    @Inject
    BackupCatalogue catalogue;

    @Inject
    org.amyterm.backup.verifier.reverify.ReverificationSchedule schedule;

    @TestHTTPResource("/verifications")
    URI verifications;

    private RecordedEvents events;

    @BeforeEach
    void clear() {
        events = new RecordedEvents(connector.sink("events"));
        events.clear();
    }

    @Test
    void evidenceIsSignedSoGpgAcceptsItAndRejectsAnEditedCopy() throws Exception {
        // Given a backup that was verified
        StandardToolBackup backup = new StandardToolBackup();
        RestoreVerified verified = storeAndVerify(backup);
        Verification evidence = EventJson.read(store.getText(verified.evidenceKey()).orElseThrow(), Verification.class);
        assertThat(evidence.verifier()).isEqualTo("verifier-test");
        assertThat(evidence.stagingServerVersion()).startsWith("15");
        assertThat(evidence.trigger()).isEqualTo(VerificationRequested.Trigger.STORED);

        // When an auditor checks the current evidence and its signature with gpg
        Path dir = TestDirs.server("audit-" + backup.backupId);
        String current = layout.verificationKey(StagingResource.SOURCE, backup.backupId);
        Path file = Files.writeString(dir.resolve("verification.json"), store.getText(current).orElseThrow());
        Path signature = Files.writeString(dir.resolve("verification.json.sig"),
                store.getText(ObjectLayout.signatureKey(current)).orElseThrow());

        // Then gpg accepts it, and refuses a copy with one verdict changed
        assertThat(StagingResource.evidenceKey.gpg("--verify", signature.toString(), file.toString())).contains("Good signature");
        Files.writeString(file, Files.readString(file).replace("\"passed\" : true", "\"passed\" : false"));
        assertThatThrownBy(() -> StagingResource.evidenceKey.gpg("--verify", signature.toString(), file.toString()))
                .hasMessageContaining("BAD signature");
    }

    @Test
    void aBackupDamagedAfterItPassedFailsItsReverificationAndStopsBeingLastKnownGood() throws Exception {
        // Given two verified backups of one database, the newer the last known good
        StandardToolBackup older = new StandardToolBackup();
        storeAndVerify(older);
        // (the next backup's id must sort after it: ids are per second)
        await().atMost(Duration.ofSeconds(5)).until(() -> BackupId.of(Instant.now(), "next").substring(0, 16)
                .compareTo(older.backupId.substring(0, 16)) > 0);
        StandardToolBackup newer = new StandardToolBackup();
        RestoreVerified first = storeAndVerify(newer);
        assertThat(catalogue.lastKnownGood(StagingResource.SOURCE).orElseThrow().backupId()).isEqualTo(newer.backupId);

        // When one byte of its stored object flips, and it is verified again on demand
        String key = layout.dumpKey(StagingResource.SOURCE, newer.backupId);
        flipOneByte(key);
        HttpResponse<String> accepted = post("{\"backupId\":\"" + newer.backupId + "\"}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        VerificationRequested request = EventJson.read(new com.fasterxml.jackson.databind.ObjectMapper().readTree(accepted.body()).get("request").toString(),
                VerificationRequested.class);
        assertThat(request.requestedBy()).isEqualTo("alice.operator@example.org");
        connector.source("verification-requests").send(EventJson.write(request));

        // Then it fails with a verdict (not a fault), which raises a StageFailed for the alert
        StageFailed failed = events.await(StageFailed.class, StageFailed.TYPE);
        assertThat(failed.stage()).isEqualTo(Stage.VERIFY);
        assertThat(failed.reason()).isIn(FailureReason.DECRYPTION_FAILED, FailureReason.INTEGRITY_MISMATCH);
        assertThat(failed.retryable()).isFalse();
        // and the new evidence is the backup's state, the first evidence kept beside it
        Verification now = EventJson.read(get("/" + newer.backupId + "/" + request.verificationId()).body(),
                Verification.class);
        assertThat(now.passed()).isFalse();
        assertThat(now.trigger()).isEqualTo(VerificationRequested.Trigger.REQUESTED);
        assertThat(EventJson.read(store.getText(first.evidenceKey()).orElseThrow(), Verification.class).passed()).isTrue();
        assertThat(store.list(layout.backupFolder(StagingResource.SOURCE, newer.backupId)))
                .filteredOn(k -> k.matches(".*/verification\\.\\d{8}T\\d{6}Z-[0-9a-f]{8}\\.json")).hasSize(2);
        // and the last known good is the older backup now
        assertThat(catalogue.lastKnownGood(StagingResource.SOURCE).orElseThrow().backupId()).isEqualTo(older.backupId);
    }

    @Test
    void theScheduleAsksForTheLastKnownGoodOfEveryDatabaseOnceForAllReplicas() throws Exception {
        // Given a verified backup, the last known good of its database
        StandardToolBackup backup = new StandardToolBackup();
        storeAndVerify(backup);

        // When the weekly schedule fires, on two replicas at once (the same scheduled time)
        Instant fired = Instant.parse("2026-11-29T03:00:00Z");
        schedule.reverify(new FiredAt(fired));
        schedule.reverify(new FiredAt(fired));

        // Then both ask for the same verification of that backup
        List<VerificationRequested> requests = events.ofType(VerificationRequested.TYPE).stream()
                .map(m -> EventJson.read(m.getPayload(), VerificationRequested.class))
                .filter(r -> r.database().equals(StagingResource.SOURCE)).toList();
        assertThat(requests).hasSize(2).allSatisfy(r -> {
            assertThat(r.backupId()).isEqualTo(backup.backupId);
            assertThat(r.trigger()).isEqualTo(VerificationRequested.Trigger.SCHEDULED);
        });
        assertThat(requests.get(0).verificationId()).isEqualTo(requests.get(1).verificationId());

        // and, both delivered, the backup is tested once more, with one new evidence file
        requests.forEach(r -> connector.source("verification-requests").send(EventJson.write(r)));
        await().atMost(Duration.ofSeconds(90)).until(() -> events.ofType(RestoreVerified.TYPE).size() == 2);
        assertThat(store.list(layout.backupFolder(StagingResource.SOURCE, backup.backupId)))
                .filteredOn(k -> k.matches(".*/verification\\.\\d{8}T\\d{6}Z-[0-9a-f]{8}\\.json")).hasSize(2);
    }

    /** The scheduler's view of a firing: only its scheduled time is read. */
    private record FiredAt(Instant at) implements io.quarkus.scheduler.ScheduledExecution {
        @Override
        public io.quarkus.scheduler.Trigger getTrigger() {
            throw new UnsupportedOperationException("not read by the schedule");
        }

        @Override
        public Instant getFireTime() {
            return at;
        }

        @Override
        public Instant getScheduledFireTime() {
            return at;
        }
    }

    @Test
    void aRedeliveredVerificationRequestIsTestedOnce() throws Exception {
        StandardToolBackup backup = new StandardToolBackup();
        storeAndVerify(backup);
        VerificationRequested request = VerificationRequested.of(backup.backupId, StagingResource.SOURCE,
                VerificationRequested.Trigger.SCHEDULED, "schedule", "scheduled:1", Instant.now());

        connector.source("verification-requests").send(EventJson.write(request));
        RestoreVerified again = events.await(RestoreVerified.class, RestoreVerified.TYPE);
        String evidence = store.getText(again.evidenceKey()).orElseThrow();
        connector.source("verification-requests").send(EventJson.write(request));

        await().atMost(Duration.ofSeconds(60)).until(() -> events.ofType(RestoreVerified.TYPE).size() == 2);
        assertThat(store.getText(again.evidenceKey())).contains(evidence);
        assertThat(store.list(layout.backupFolder(StagingResource.SOURCE, backup.backupId)))
                .filteredOn(k -> k.matches(".*/verification\\.\\d{8}T\\d{6}Z-[0-9a-f]{8}\\.json")).hasSize(2);
    }

    @Test
    void aDownloadCutHalfwayIsRetriedAndPassesWithoutBeingCalledTampering() throws Exception {
        // Given a stored backup, and a link to the bucket that breaks once halfway through its object
        StandardToolBackup backup = new StandardToolBackup();
        BackupStored stored = backup.upload(store, layout, backup.counts, StandardToolBackup.sha256(backup.encrypted));
        StagingResource.relay.cutOnceAfter(stored.ciphertextBytes() / 2 + 8 * 1024);

        // When the verifier tests it
        connector.source("backup-stored").send(EventJson.write(stored));

        // Then the cut is reported as a fault it retries, and the next attempt passes
        RestoreVerified verified = events.await(RestoreVerified.class, RestoreVerified.TYPE);
        assertThat(StagingResource.relay.cuts()).isEqualTo(1);
        assertThat(verified.passed()).as(verified.checks().toString()).isTrue();
        List<StageFailed> faults = events.ofType(StageFailed.TYPE).stream()
                .map(m -> EventJson.read(m.getPayload(), StageFailed.class)).toList();
        assertThat(faults).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(FailureReason.STORE_UNAVAILABLE);
            assertThat(f.stillRetrying()).isTrue();
            assertThat(f.message()).contains("says nothing about the backup");
        });
    }

    @Test
    void verificationRequestsForUnknownOrMalformedBackupsAreRefusedWithAProblem() throws Exception {
        HttpResponse<String> unknown = post("{\"backupId\":\"20200101T000000Z-00000000\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
        assertThat(unknown.body()).contains("no backup 20200101T000000Z-00000000");

        assertThat(post("{\"backupId\":\"../../etc\"}").statusCode()).isEqualTo(400);
        assertThat(post("not json").statusCode()).isEqualTo(400);
        assertThat(post("{\"backupId\":\"20200101T000000Z-00000000\",\"idempotencyKey\":\"" + "x".repeat(5000) + "\"}")
                .statusCode()).isEqualTo(400);
    }

    private RestoreVerified storeAndVerify(StandardToolBackup backup) throws Exception {
        BackupStored stored = backup.upload(store, layout, backup.counts, StandardToolBackup.sha256(backup.encrypted));
        connector.source("backup-stored").send(EventJson.write(stored));
        await().atMost(Duration.ofSeconds(90)).until(() -> events.ofType(RestoreVerified.TYPE).stream()
                .anyMatch(m -> m.getPayload().contains(backup.backupId)));
        RestoreVerified verified = events.ofType(RestoreVerified.TYPE).stream()
                .map(m -> EventJson.read(m.getPayload(), RestoreVerified.class))
                .filter(v -> v.backupId().equals(backup.backupId)).findFirst().orElseThrow();
        assertThat(verified.passed()).as(verified.checks().toString()).isTrue();
        events.clear();
        return verified;
    }

    private void flipOneByte(String key) throws Exception {
        byte[] bytes;
        try (InputStream in = store.open(key)) {
            bytes = in.readAllBytes();
        }
        bytes[bytes.length / 2] ^= 0x01;
        try (ObjectStore.Upload upload = store.startUpload(key, 0)) {
            upload.stream().write(bytes);
            upload.complete();
        }
    }

    private HttpResponse<String> post(String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(verifications).header("Authorization", "Bearer " + ApiTokens.operator()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(verifications + path)).header("Authorization", "Bearer " + ApiTokens.operator()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
