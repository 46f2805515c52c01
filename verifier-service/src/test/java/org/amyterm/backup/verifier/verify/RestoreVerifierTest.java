package org.amyterm.backup.verifier.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.RestoreVerified;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.contracts.Verification;
import org.amyterm.backup.messaging.RecordedEvents;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.testsupport.GpgKey;
import org.amyterm.backup.testsupport.TestDirs;
import org.amyterm.backup.testsupport.TestServers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The restore test on a real PostgreSQL and S3Proxy, fed backups made with pg_dump, zstd and gpg. */
@QuarkusTest
@QuarkusTestResource(StagingResource.class)
class RestoreVerifierTest {
    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    ObjectStore store;

    @Inject
    ObjectLayout layout;

    private RecordedEvents events;

    @BeforeEach
    void clear() {
        events = new RecordedEvents(connector.sink("events"));
        events.clear();
    }

    @Test
    void goodBackupIsRestoredCheckedEvidencedAndItsStagingDatabaseDropped() throws Exception {
        // Given a backup made with the standard tools, in the bucket with its manifest
        StandardToolBackup backup = new StandardToolBackup();
        BackupStored stored = backup.upload(store, layout, backup.counts, StandardToolBackup.sha256(backup.encrypted));

        // When the verifier hears it was stored
        connector.source("backup-stored").send(EventJson.write(stored));

        // Then it passes every check, with a measured restore time
        RestoreVerified verified = events.await(RestoreVerified.class, RestoreVerified.TYPE);
        assertThat(verified.passed()).isTrue();
        assertThat(verified.restoreMillis()).isPositive();
        assertThat(verified.checks()).extracting(c -> c.name()).contains("row-counts", "schema-version",
                "app-codesystems", "app-valuesets", "app-fhir-metadata", "app-atc-browser");
        // and the sample application, started on the restored copy, answered as the dump says it should
        assertThat(verified.checks()).filteredOn(c -> c.name().startsWith("app-")).extracting(CheckResult::detail)
                .anySatisfy(d -> assertThat(d).contains("code systems, as at dump time"))
                .anySatisfy(d -> assertThat(d).contains("application/fhir+json", "CapabilityStatement", "schema version 2.3.1"));
        // and the evidence is in the bucket, with the time to the first smoke check, and no staging database is left behind
        Verification evidence = EventJson.read(store.getText(verified.evidenceKey()).orElseThrow(), Verification.class);
        assertThat(evidence.passed()).isTrue();
        assertThat(evidence.firstSmokeCheckMillis()).isGreaterThan(evidence.restoreMillis());
        assertThat(evidence.checks()).filteredOn(c -> !List.of("check-profile", "pg-restore").contains(c.name()))
                .allSatisfy(c -> assertThat(c.millis()).as(c.name() + " is timed").isNotNull().isNotNegative());
        assertThat(evidence.pgRestoreVersion()).contains("pg_restore");
        assertThat(stagingDatabases()).isEmpty();
    }

    @Test
    void backupsEncryptedToTheOldAndToTheNewKeyBothVerifyAfterARotation() throws Exception {
        // Given a backup made before the rotation (old key) and one after it (new key)
        StandardToolBackup before = new StandardToolBackup(StagingResource.key);
        StandardToolBackup after = new StandardToolBackup(StagingResource.rotatedKey);

        // When both are verified by a verifier holding both secret keys
        connector.source("backup-stored").send(EventJson.write(before.upload(store, layout, before.counts,
                StandardToolBackup.sha256(before.encrypted))));
        connector.source("backup-stored").send(EventJson.write(after.upload(store, layout, after.counts,
                StandardToolBackup.sha256(after.encrypted))));

        // Then both pass
        await().atMost(Duration.ofSeconds(90)).until(() -> events.ofType(RestoreVerified.TYPE).size() == 2);
        assertThat(events.ofType(RestoreVerified.TYPE)).allSatisfy(m ->
                assertThat(EventJson.read(m.getPayload(), RestoreVerified.class).passed()).isTrue());
    }

    @Test
    void kmsEnvelopeBackupMadeWithKmsAndGpgIsUnwrappedRestoredAndChecked() throws Exception {
        // Given a backup whose passphrase is a KMS data key bound to it (made with the KMS API and gpg)
        StandardToolBackup backup = new StandardToolBackup(TestServers.kms());
        BackupStored stored = backup.upload(store, layout, backup.counts, StandardToolBackup.sha256(backup.encrypted));

        // When the verifier, allowed only kms:Decrypt, hears of it
        connector.source("backup-stored").send(EventJson.write(stored));

        // Then it unwraps the key under the backup's context, restores and passes every check
        RestoreVerified verified = events.await(RestoreVerified.class, RestoreVerified.TYPE);
        assertThat(verified.passed()).as(verified.checks().toString()).isTrue();
        assertThat(stagingDatabases()).isEmpty();
    }

    @Test
    void redeliveredBackupIsNotRestoredTwice() throws Exception {
        StandardToolBackup backup = new StandardToolBackup();
        BackupStored stored = backup.upload(store, layout, backup.counts, StandardToolBackup.sha256(backup.encrypted));
        connector.source("backup-stored").send(EventJson.write(stored));
        RestoreVerified first = events.await(RestoreVerified.class, RestoreVerified.TYPE);
        String evidence = store.getText(first.evidenceKey()).orElseThrow();

        connector.source("backup-stored").send(EventJson.write(stored));

        await().atMost(Duration.ofSeconds(60)).until(() -> events.ofType(RestoreVerified.TYPE).size() == 2);
        assertThat(store.getText(first.evidenceKey())).contains(evidence);
    }

    @Test
    void alteredObjectIsRefusedBeforeDecryptionAndIsRecordedAsFailedEvidence() throws Exception {
        // Given a backup whose stored object had one byte changed after its checksum was recorded
        StandardToolBackup backup = new StandardToolBackup();
        String recorded = backup.tamperAfterItsChecksumWasRecorded();
        BackupStored stored = backup.upload(store, layout, backup.counts, recorded);

        connector.source("backup-stored").send(EventJson.write(stored));

        // Then the verify stage fails permanently, and the evidence says it did not pass
        StageFailed failed = events.await(StageFailed.class, StageFailed.TYPE);
        assertThat(failed.stage()).isEqualTo(Stage.VERIFY);
        assertThat(failed.reason()).isEqualTo(FailureReason.INTEGRITY_MISMATCH);
        assertThat(failed.retryable()).isFalse();
        assertThat(failed.message()).contains("chunk 1 of", "nothing of it was restored");
        Verification evidence = EventJson.read(store.getText(layout.verificationKey(StagingResource.SOURCE,
                backup.backupId)).orElseThrow(), Verification.class);
        assertThat(evidence.passed()).isFalse();
        assertThat(evidence.objectSha256()).isEqualTo(recorded);
        assertThat(stagingDatabases()).isEmpty();
    }

    @Test
    void aStagingServerLostMidRestoreIsRetriedWithoutEvidenceAndThenPasses() throws Exception {
        // Given a backup, and a staging connection that will be cut once pg_restore has sent 64 KiB of it
        StandardToolBackup backup = new StandardToolBackup();
        BackupStored stored = backup.upload(store, layout, backup.counts, StandardToolBackup.sha256(backup.encrypted));
        int cutsBefore = StagingResource.stagingRelay.cuts();
        StagingResource.stagingRelay.cutOnceAfterSent(64 * 1024);

        // When the verifier tests it
        connector.source("backup-stored").send(EventJson.write(stored));

        // Then the lost connection is a fault, reported as retrying, and the test run again passes
        RestoreVerified verified = events.await(RestoreVerified.class, RestoreVerified.TYPE);
        assertThat(verified.passed()).as(verified.checks().toString()).isTrue();
        assertThat(StagingResource.stagingRelay.cuts()).isEqualTo(cutsBefore + 1);
        assertThat(events.ofType(StageFailed.TYPE)).extracting(m -> EventJson.read(m.getPayload(), StageFailed.class))
                .singleElement().satisfies(f -> {
                    assertThat(f.reason()).isEqualTo(FailureReason.STAGING_UNAVAILABLE);
                    assertThat(f.retryable()).isTrue();
                    assertThat(f.message()).contains("lost its connection", "not a verdict on the backup");
                });
        // and the only evidence is the passing one: the cut attempt wrote none
        assertThat(store.listObjects(layout.backupFolder(StagingResource.SOURCE, backup.backupId)))
                .filteredOn(o -> o.key().endsWith(".json") && o.key().contains("verification."))
                .hasSize(2); // verification.json and the one verification's own file
        assertThat(EventJson.read(store.getText(verified.evidenceKey()).orElseThrow(), Verification.class).passed()).isTrue();
        assertThat(stagingDatabases()).isEmpty();
    }

    @Test
    void aStagingServerLostDuringTheChecksIsRetriedWithoutEvidenceAndThenPasses() throws Exception {
        // Given a backup whose own check pauses while it runs, so its session can end mid-check
        StandardToolBackup backup = new StandardToolBackup(StagingResource.GENERIC,
                List.of("inventory.item", "inventory.movement", "ledger.entry"), "generic");
        BackupStored stored = backup.upload(store, layout, backup.counts, StandardToolBackup.sha256(backup.encrypted));
        StagingResource.postgres.psql("postgres", "CREATE ROLE " + StagingResource.SLOW_CHECKS);
        try {
            // When the verifier tests it, and the staging server ends that check's session while it runs
            // (as a restart of the server does)
            connector.source("backup-stored").send(EventJson.write(stored));
            String running = "FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%" + StagingResource.SLOW_CHECKS
                    + "%' AND pid <> pg_backend_pid()";
            await().atMost(Duration.ofSeconds(120)).until(() -> !StagingResource.postgres.psql("postgres",
                    "SELECT count(*) " + running).equals("0"));
            StagingResource.postgres.psql("postgres", "DROP ROLE " + StagingResource.SLOW_CHECKS);
            StagingResource.postgres.psql("postgres", "SELECT pg_terminate_backend(pid) " + running);
        } finally {
            StagingResource.postgres.psql("postgres", "DROP ROLE IF EXISTS " + StagingResource.SLOW_CHECKS);
        }

        // Then the failed check is a fault, not a verdict: reported as retrying, and the test run again passes
        RestoreVerified verified = events.await(RestoreVerified.class, RestoreVerified.TYPE);
        assertThat(verified.passed()).as(verified.checks().toString()).isTrue();
        assertThat(events.ofType(StageFailed.TYPE)).extracting(m -> EventJson.read(m.getPayload(), StageFailed.class))
                .singleElement().satisfies(f -> {
                    assertThat(f.reason()).isEqualTo(FailureReason.STAGING_UNAVAILABLE);
                    assertThat(f.retryable()).isTrue();
                    assertThat(f.message()).contains("stopped answering during the checks");
                });
        // and the only evidence is the passing one
        assertThat(store.listObjects(layout.backupFolder(StagingResource.GENERIC, backup.backupId)))
                .filteredOn(o -> o.key().endsWith(".json") && o.key().contains("verification."))
                .hasSize(2);
        await().atMost(Duration.ofSeconds(30)).until(() -> stagingDatabases() == null || stagingDatabases().isEmpty());
    }

    @Test
    void rowCountDifferentFromTheDumpFailsTheCheck() throws Exception {
        StandardToolBackup backup = new StandardToolBackup();
        Map<String, Long> wrong = new HashMap<>(backup.counts);
        wrong.put("public.concept", backup.counts.get("public.concept") + 1);
        BackupStored stored = backup.upload(store, layout, wrong, StandardToolBackup.sha256(backup.encrypted));

        connector.source("backup-stored").send(EventJson.write(stored));

        StageFailed failed = events.await(StageFailed.class, StageFailed.TYPE);
        assertThat(failed.reason()).isEqualTo(FailureReason.CHECK_FAILED);
        assertThat(failed.message()).contains("public.concept");
        RestoreVerified verified = events.await(RestoreVerified.class, RestoreVerified.TYPE);
        assertThat(verified.passed()).isFalse();
    }

    @Test
    void aDatabaseTheSampleGeneratorDidNotMakeVerifiesWithTheGenericProfileAndItsOwnChecks() throws Exception {
        // Given a backup of an inventory application (two schemas, an extension, a view, a trigger, a
        // large object, non-ASCII text) whose manifest names the generic profile and holds the
        // inventory taken at dump time, and an operator check configured for it (three items)
        StandardToolBackup backup = new StandardToolBackup(StagingResource.GENERIC,
                List.of("inventory.item", "inventory.movement", "ledger.entry"), "generic");
        BackupStored stored = backup.upload(store, layout, backup.counts, StandardToolBackup.sha256(backup.encrypted));

        // When it is verified
        connector.source("backup-stored").send(EventJson.write(stored));

        // Then it passes with the generic checks and its own, none of Amy-Term's, and no row data in the evidence
        RestoreVerified verified = events.await(RestoreVerified.class, RestoreVerified.TYPE);
        assertThat(verified.passed()).as(verified.checks().toString()).isTrue();
        // (the restored database vacuumed and analyzed before any check reads it)
        assertThat(verified.checks()).extracting(CheckResult::name).containsExactly("check-profile", "pg-restore",
                "vacuum-analyze", "row-counts", "inventory", "sequences", "extensions", "roles", "large-objects",
                "sampled-rows", "items-present", "vacuumed-and-analyzed");
        assertThat(verified.checks()).extracting(CheckResult::detail).contains("generic", "returned 3", "returned 0",
                "2 large objects, as in the dump");
        assertThat(verified.checks()).filteredOn(c -> c.name().equals("sampled-rows")).singleElement()
                .satisfies(c -> assertThat(c.detail()).startsWith("2 tables, 303 rows sampled"));
        assertThat(store.getText(verified.evidenceKey()).orElseThrow()).doesNotContain("item 1", "Zürich", "Label-");
    }

    @Test
    void anApplicationWhoseFhirMetadataFailsOnTheRestoredCopyFailsVerificationNamingTheCheck() throws Exception {
        // Given a backup of an Amy-Term database whose schema_version is empty, while its manifest records one
        StandardToolBackup backup = new StandardToolBackup(StagingResource.NO_SCHEMA_VERSION, List.of("public.code_system",
                "public.value_set"), "amyterm");
        BackupStored stored = backup.upload(store, layout, backup.counts, StandardToolBackup.sha256(backup.encrypted));

        // When it is verified
        connector.source("backup-stored").send(EventJson.write(stored));

        // Then the application cannot say what it serves (/fhir/metadata answers 503), and the verdict names that check
        StageFailed failed = events.await(StageFailed.class, StageFailed.TYPE);
        assertThat(failed.reason()).isEqualTo(FailureReason.CHECK_FAILED);
        assertThat(failed.message()).contains("app-fhir-metadata: HTTP 503");
        RestoreVerified verified = events.await(RestoreVerified.class, RestoreVerified.TYPE);
        assertThat(verified.checks()).filteredOn(c -> c.name().equals("app-codesystems")).singleElement()
                .satisfies(c -> assertThat(c.passed()).isTrue());
    }

    @Test
    void aBackupNamingAProfileThisVerifierDoesNotKnowFailsSayingSo() throws Exception {
        StandardToolBackup backup = new StandardToolBackup(StagingResource.GENERIC,
                List.of("inventory.item", "inventory.movement"), "thorough");
        BackupStored stored = backup.upload(store, layout, backup.counts, StandardToolBackup.sha256(backup.encrypted));

        connector.source("backup-stored").send(EventJson.write(stored));

        StageFailed failed = events.await(StageFailed.class, StageFailed.TYPE);
        assertThat(failed.reason()).isEqualTo(FailureReason.CHECK_FAILED);
        assertThat(failed.message()).contains("check-profile", "thorough");
    }

    @Test
    void missingManifestIsAPermanentVerifyFailure() throws Exception {
        StandardToolBackup backup = new StandardToolBackup();
        BackupStored stored = backup.upload(store, layout, backup.counts, StandardToolBackup.sha256(backup.encrypted));
        store.delete(stored.manifestKey());

        connector.source("backup-stored").send(EventJson.write(stored));

        StageFailed failed = events.await(StageFailed.class, StageFailed.TYPE);
        assertThat(failed.reason()).isEqualTo(FailureReason.BACKUP_NOT_FOUND);
        assertThat(failed.message()).contains(ObjectLayout.MANIFEST_FILE);
    }

    @Test
    void manifestEditedInTheBucketIsRefusedBeforeAnyRestore() throws Exception {
        // Given a backup whose object was altered, and whose manifest was edited after signing to match
        StandardToolBackup backup = new StandardToolBackup();
        String recorded = backup.tamperAfterItsChecksumWasRecorded();
        BackupStored stored = backup.upload(store, layout, backup.counts, recorded);
        String manifest = store.getText(stored.manifestKey()).orElseThrow();
        store.putText(stored.manifestKey(), manifest.replace(recorded, StandardToolBackup.sha256(backup.encrypted)));

        // When the verifier hears of it
        connector.source("backup-stored").send(EventJson.write(stored));

        // Then it is refused as untrusted: not the decryption failure a restore attempt would have met
        assertRefusedUnrestored(backup, "changed after it was signed");
    }

    @Test
    void manifestWithoutItsSignatureIsRefusedBeforeAnyRestore() throws Exception {
        StandardToolBackup backup = new StandardToolBackup();
        String recorded = backup.tamperAfterItsChecksumWasRecorded();
        BackupStored stored = backup.upload(store, layout, backup.counts, recorded);
        store.delete(layout.manifestSignatureKey(StagingResource.SOURCE, backup.backupId));

        connector.source("backup-stored").send(EventJson.write(stored));

        assertRefusedUnrestored(backup, "no signature");
    }

    @Test
    void manifestSignedByAnUntrustedKeyIsRefusedBeforeAnyRestore() throws Exception {
        StandardToolBackup backup = new StandardToolBackup();
        String recorded = backup.tamperAfterItsChecksumWasRecorded();
        BackupStored stored = backup.upload(store, layout, backup.counts, recorded, stranger());

        connector.source("backup-stored").send(EventJson.write(stored));

        assertRefusedUnrestored(backup, "not in amyterm.verifier.signing.public-key-files");
    }

    private void assertRefusedUnrestored(StandardToolBackup backup, String why) {
        StageFailed failed = events.await(StageFailed.class, StageFailed.TYPE);
        assertThat(failed.reason()).isEqualTo(FailureReason.MANIFEST_UNTRUSTED);
        assertThat(failed.retryable()).isFalse();
        assertThat(failed.message()).contains(why, "nothing of this backup was restored");
        Verification evidence = EventJson.read(store.getText(layout.verificationKey(StagingResource.SOURCE,
                backup.backupId)).orElseThrow(), Verification.class);
        assertThat(evidence.passed()).isFalse();
        assertThat(evidence.restoreMillis()).isZero();
        assertThat(evidence.checks()).singleElement().satisfies(c -> assertThat(c.detail()).contains(why));
        assertThat(stagingDatabases()).isEmpty();
    }

    private static GpgKey stranger;

    /** A signing key nobody told the verifier to trust. */
    private static synchronized GpgKey stranger() {
        if (stranger == null) {
            stranger = GpgKey.generateSigning(TestDirs.server("stranger"));
        }
        return stranger;
    }

    private static String stagingDatabases() {
        return StagingResource.postgres.psql("postgres", "SELECT string_agg(datname, ',') FROM pg_database WHERE datname LIKE 'amyterm_verify_%'");
    }

}
