package org.amyterm.backup.storage.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupStarted;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.NodeRole;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.messaging.IncomingEvents;
import org.junit.jupiter.api.Test;

/** The storage service against S3Proxy: what it stores, what it refuses, and that it stores once. */
@QuarkusTest
@QuarkusTestResource(StoreResource.class)
class EncryptingUploaderTest extends StorageServiceTest {
    private static final int PART = StoreResource.PART_SIZE;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @Inject
    org.amyterm.backup.objectstore.BackupCatalogue catalogue;

    @Test
    void spooledDumpIsStoredEncryptedWithItsManifestAndTheSpoolIsEmptied() throws Exception {
        // Given a spooled dump
        byte[] content = Dumps.randomBytes(300_000);
        BackupCompleted dump = Dumps.spooled(content);
        double uploadedBefore = uploadedBytes();

        // When its BackupCompleted arrives
        send(dump);

        // Then a BackupStored names the object, and the manifest describes it without secrets
        BackupStored stored = events.await(BackupStored.class, BackupStored.TYPE);
        assertThat(stored.objectKey()).isEqualTo(layout.dumpKey("amyterm", dump.backupId()));
        Manifest manifest = EventJson.read(store.getText(stored.manifestKey()).orElseThrow(), Manifest.class);
        assertThat(manifest.archive().sha256()).isEqualTo(dump.archiveSha256());
        assertThat(manifest.dumpDetails()).isEqualTo(dump.dumpDetails()).isNotNull();
        assertThat(manifest.object().sha256()).isEqualTo(stored.ciphertextSha256());
        assertThat(manifest.encryption().keyId()).isEqualTo(stored.keyId()).hasSize(40);
        assertThat(manifest.encryption().recipients()).hasSize(2).startsWith(stored.keyId());
        byte[] ciphertext = object(stored.objectKey());
        assertThat(ciphertext.length).isEqualTo(manifest.object().bytes());
        assertThat(Dumps.sha256(ciphertext)).isEqualTo(manifest.object().sha256());
        assertThat(Dumps.gpgDecrypt(ciphertext)).isEqualTo(content);
        assertThat(Path.of(dump.spoolFile())).doesNotExist();
        // and the roles it came with are stored beside it, encrypted the same way, and gone from the spool
        Manifest.Globals globals = manifest.globals();
        assertThat(globals.object().key()).isEqualTo(layout.globalsKey("amyterm", dump.backupId()));
        assertThat(globals.plaintextSha256()).isEqualTo(dump.globals().sha256());
        assertThat(globals.encryption().recipients()).isEqualTo(manifest.encryption().recipients());
        byte[] roles = object(globals.object().key());
        assertThat(Dumps.sha256(roles)).isEqualTo(globals.object().sha256());
        assertThat(new String(Dumps.gpgDecrypt(roles), java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("CREATE ROLE amyterm_owner;");
        assertThat(Path.of(dump.globals().spoolFile())).doesNotExist();
        // and the upload is counted in the metrics
        assertThat(uploadedBytes() - uploadedBefore).isEqualTo(manifest.object().bytes());
        // and gpg verifies the manifest's detached signature as made by the storage service's key
        assertThat(Dumps.gpgVerify(store.getText(stored.manifestKey()).orElseThrow(),
                store.getText(layout.manifestSignatureKey("amyterm", dump.backupId())).orElseThrow()))
                .contains(StoreResource.signingKey.fingerprint());
    }

    @Test
    void dumpIsUploadedWhileItIsWrittenAndCompletedOnceItsChecksumMatches() throws Exception {
        // Given a dump being written, announced by BackupStarted, with more than two parts on the spool
        Dumps.Dump dump = new Dumps.Dump();
        dump.write(Dumps.randomBytes(2 * PART + 1000));
        send(dump.started());

        // When the storage service follows it, Then parts are uploaded before the dump is complete
        String key = layout.dumpKey("amyterm", dump.id);
        await().atMost(Duration.ofSeconds(60)).until(() -> store.inProgressUploads(key).contains(key));
        assertThat(store.exists(key)).isFalse();

        // When the dump finishes (one more part and a tail) and its BackupCompleted arrives
        dump.write(Dumps.randomBytes(PART + 4321));
        BackupCompleted completed = dump.complete();
        send(completed);

        // Then the object is stored once: it decrypts to exactly the spool file, and nothing is left in progress
        BackupStored stored = events.await(BackupStored.class, BackupStored.TYPE);
        assertThat(stored.backupId()).isEqualTo(dump.id);
        assertThat(Dumps.gpgDecrypt(object(key))).isEqualTo(dump.written());
        assertThat(store.inProgressUploads(key)).isEmpty();
        assertThat(Path.of(completed.spoolFile())).doesNotExist();
        assertThat(events.ofType(StageFailed.TYPE)).isEmpty();
    }

    @Test
    void dumpThatFailsWhileFollowedLeavesNoObjectNoManifestAndNoUploadInProgress() throws Exception {
        // Given a dump being followed, with parts already uploaded
        Dumps.Dump dump = new Dumps.Dump();
        dump.write(Dumps.randomBytes(2 * PART + 1000));
        send(dump.started());
        String key = layout.dumpKey("amyterm", dump.id);
        await().atMost(Duration.ofSeconds(60)).until(() -> store.inProgressUploads(key).contains(key));

        // When pg_dump fails and the backup service deletes its partial spool file
        Files.delete(dump.partial);

        // Then the upload is aborted: no upload in progress, no object, no manifest, nothing announced
        await().atMost(Duration.ofSeconds(60)).until(() -> store.inProgressUploads(key).isEmpty());
        assertThat(store.list(layout.backupFolder("amyterm", dump.id))).isEmpty();
        assertThat(events.ofType(BackupStored.TYPE)).isEmpty();
    }

    @Test
    void spoolFileAlteredWhileFollowedFailsWithIntegrityMismatchAndStoresNothing() throws Exception {
        // Given a followed dump whose last bytes on the spool differ from what pg_dump wrote and hashed
        Dumps.Dump dump = new Dumps.Dump();
        dump.write(Dumps.randomBytes(PART + 1000));
        send(dump.started());
        String key = layout.dumpKey("amyterm", dump.id);
        await().atMost(Duration.ofSeconds(60)).until(() -> store.inProgressUploads(key).contains(key));
        byte[] tail = Dumps.randomBytes(50_000);
        BackupCompleted recorded = dump.completedWith(tail);
        dump.write(Dumps.randomBytes(50_000));
        dump.commit();

        // When its BackupCompleted arrives with the size and sha256 of what pg_dump wrote
        send(recorded);

        // Then the store fails with INTEGRITY_MISMATCH and leaves no object and no upload in progress
        StageFailed failed = events.await(StageFailed.class, StageFailed.TYPE);
        assertThat(failed.stage()).isEqualTo(Stage.STORE);
        assertThat(failed.reason()).isEqualTo(FailureReason.INTEGRITY_MISMATCH);
        assertThat(store.list(layout.backupFolder("amyterm", dump.id))).isEmpty();
        assertThat(store.inProgressUploads(key)).isEmpty();
        assertThat(events.ofType(BackupStored.TYPE)).isEmpty();
    }

    @Test
    void followedUploadThatNobodyClaimsIsAbortedAndTheSpoolFileKept() throws Exception {
        // Given a followed dump that completes, but whose BackupCompleted never reaches this replica
        Dumps.Dump dump = new Dumps.Dump();
        dump.write(Dumps.randomBytes(PART + 1000));
        send(dump.started());
        String key = layout.dumpKey("amyterm", dump.id);
        await().atMost(Duration.ofSeconds(60)).until(() -> store.inProgressUploads(key).contains(key));
        BackupCompleted completed = dump.complete();

        // Then after the claim timeout the upload is aborted, and the complete spool file waits for its event
        await().atMost(Duration.ofSeconds(60)).until(() -> store.inProgressUploads(key).isEmpty());
        assertThat(store.exists(key)).isFalse();
        assertThat(Path.of(completed.spoolFile())).exists();

        // And when the event comes after all, the dump is stored from the file
        send(completed);
        assertThat(events.await(BackupStored.class, BackupStored.TYPE).backupId()).isEqualTo(dump.id);
        assertThat(Dumps.gpgDecrypt(object(key))).isEqualTo(dump.written());
    }

    @Test
    void unreadableEventsAreRefusedAndTheNextDumpIsStillStored() {
        // Given records the consumer cannot use: no CloudEvents type, an unknown type, a broken body
        connector.source("backup-dumps").send(org.eclipse.microprofile.reactive.messaging.Message.of("{}"));
        connector.source("backup-dumps").send(IncomingEvents.withType("{}", "org.example.other.v1"));
        connector.source("backup-dumps").send(IncomingEvents.withType("not json", BackupCompleted.TYPE));

        // When a good BackupCompleted follows, Then it is still stored
        BackupCompleted dump = Dumps.spooled(Dumps.randomBytes(1000));
        send(dump);
        assertThat(events.await(BackupStored.class, BackupStored.TYPE).backupId()).isEqualTo(dump.backupId());
    }

    @Test
    void redeliveredEventStoresOneObjectAndAnnouncesItAgain() {
        BackupCompleted dump = Dumps.spooled(Dumps.randomBytes(1000));
        send(dump);
        send(dump);

        await().atMost(Duration.ofSeconds(60)).until(() -> events.ofType(BackupStored.TYPE).size() == 2);
        List<String> keys = store.list(layout.backupFolder("amyterm", dump.backupId()));
        assertThat(keys).containsExactlyInAnyOrder(layout.dumpKey("amyterm", dump.backupId()),
                layout.globalsKey("amyterm", dump.backupId()), layout.manifestKey("amyterm", dump.backupId()),
                layout.manifestSignatureKey("amyterm", dump.backupId()));
        assertThat(events.ofType(BackupStored.TYPE).stream().map(m -> EventJson.read(m.getPayload(), BackupStored.class).ciphertextSha256())
                .distinct()).hasSize(1);
    }

    @Test
    void spoolFileChangedSinceTheDumpAbortsTheUploadAndStoresNothing() throws Exception {
        // Given a spool file of several parts altered after the dump recorded its checksum
        BackupCompleted dump = Dumps.spooled(Dumps.randomBytes(2 * PART));
        Files.write(Path.of(dump.spoolFile()), Dumps.randomBytes(2 * PART));

        send(dump);

        StageFailed failed = events.await(StageFailed.class, StageFailed.TYPE);
        assertThat(failed.stage()).isEqualTo(Stage.STORE);
        assertThat(failed.reason()).isEqualTo(FailureReason.INTEGRITY_MISMATCH);
        assertThat(store.list(layout.backupFolder("amyterm", dump.backupId()))).isEmpty();
        assertThat(store.inProgressUploads(layout.backupFolder("amyterm", dump.backupId()))).isEmpty();
        assertThat(Path.of(dump.spoolFile())).doesNotExist();
    }

    @Test
    void spoolFileOutsideTheSpoolIsRefusedAndLeavesNoFailedFolder() throws Exception {
        // Given a dump event naming a file outside the spool
        Path elsewhere = Files.createTempFile(StoreResource.spool.getParent(), "not-in-spool", ".zst");
        BackupCompleted dump = Dumps.completed(elsewhere, Dumps.randomBytes(10));

        // When it arrives
        send(dump);

        // Then it is refused, saying which setting to check, and the file stays
        StageFailed failed = events.await(StageFailed.class, StageFailed.TYPE);
        assertThat(failed.reason()).isEqualTo(FailureReason.SPOOL_REFUSED);
        assertThat(failed.retryable()).isFalse();
        assertThat(failed.message()).contains("outside the spool", "amyterm.storage.spool-dir");
        assertThat(elsewhere).exists();
        // and once a later failure is recorded (so the refusal was handled before it), the refused backup has no folder
        connector.source("backup-failed").send(EventJson.write(failed));
        String later = BackupId.of(Instant.now(), UUID.randomUUID().toString());
        connector.source("backup-failed").send(EventJson.write(StageFailed.of(later, "amyterm", Stage.DUMP,
                FailureReason.DUMP_FAILED, "pg_dump died", Instant.now())));
        await().atMost(Duration.ofSeconds(30)).until(() -> store.exists(layout.failureKey("amyterm", later)));
        assertThat(store.list(layout.backupFolder("amyterm", dump.backupId()))).isEmpty();
    }

    @Test
    void eventNamingAnotherBackupsSpoolFileIsRefusedAndThatFileStays() throws Exception {
        // Given the spooled dump of one backup, and an event for another backup that names its file
        BackupCompleted owner = Dumps.spooled(Dumps.randomBytes(1000));
        String otherId = BackupId.of(Instant.now(), UUID.randomUUID().toString());
        BackupCompleted forged = new BackupCompleted(otherId, "amyterm", BackupReason.MANUAL, NodeRole.CENTRAL,
                owner.spoolFile(), owner.archiveBytes(), owner.archiveSha256(), owner.spoolBytes(), owner.spoolSha256(),
                "zstd", "15", "pg_dump 15", "2.3.1", Map.of(), Instant.now(), Instant.now());

        // When that event arrives
        send(forged);

        // Then it is refused as a malformed event, nothing is stored for it, and the owner's file is untouched
        StageFailed failed = events.await(StageFailed.class, StageFailed.TYPE);
        assertThat(failed.backupId()).isEqualTo(otherId);
        assertThat(failed.reason()).isEqualTo(FailureReason.MALFORMED_EVENT);
        assertThat(failed.message()).contains("not its own", otherId);
        assertThat(Path.of(owner.spoolFile())).exists();
        assertThat(store.list(layout.backupFolder("amyterm", otherId))).isEmpty();

        // and the owner's own event still stores it
        send(owner);
        assertThat(events.await(BackupStored.class, BackupStored.TYPE).backupId()).isEqualTo(owner.backupId());
    }

    @Test
    void missingSpoolFileIsAPermanentStoreFailure() {
        BackupCompleted dump = Dumps.spooled(Dumps.randomBytes(10));
        Path.of(dump.spoolFile()).toFile().delete();

        send(dump);

        StageFailed failed = events.await(StageFailed.class, StageFailed.TYPE);
        assertThat(failed.reason()).isEqualTo(FailureReason.SPOOL_MISSING);
        assertThat(failed.retryable()).isFalse();
    }

    @Test
    void failureIsRecordedInTheBackupsFolderSignedSoTheCatalogueBelievesIt() {
        String backupId = BackupId.of(Instant.now(), UUID.randomUUID().toString());
        StageFailed failed = StageFailed.of(backupId, "amyterm", Stage.DUMP, FailureReason.DUMP_FAILED, "pg_dump died",
                Instant.now());
        connector.source("backup-failed").send(EventJson.write(failed));
        await().atMost(Duration.ofSeconds(30)).until(() -> store.exists(
                ObjectLayout.signatureKey(layout.failureKey("amyterm", backupId))));
        assertThat(store.getText(layout.failureKey("amyterm", backupId)).orElseThrow()).contains("pg_dump died");
        assertThat(catalogue.find("amyterm", backupId)).get().satisfies(b -> {
            assertThat(b.untrusted()).isEmpty();
            assertThat(b.state()).isEqualTo(BackupSummary.State.FAILED);
            assertThat(b.failure().message()).isEqualTo("pg_dump died");
        });
    }

    @Test
    void refusedForeignAndFutureDatedFailuresLeaveNothingInTheBucketAndTheNextIsStillRecorded() {
        // Given, in this order: a refused request for a name that is no database ("*"), a refused
        // request for an unconfigured database, a failure whose backup id is dated next year, a
        // restore test of a backup the bucket does not hold, and then an ordinary failure
        Instant now = Instant.now();
        String refused = BackupId.of(now, UUID.randomUUID().toString());
        String unconfigured = BackupId.of(now, UUID.randomUUID().toString());
        String future = BackupId.of(now.plus(Duration.ofDays(365)), UUID.randomUUID().toString());
        String foreign = BackupId.of(now, UUID.randomUUID().toString());
        connector.source("backup-failed").send(EventJson.write(StageFailed.of(refused, "*", Stage.DUMP,
                FailureReason.REQUEST_REFUSED, "a request for 'host=evil' was refused", now)));
        connector.source("backup-failed").send(EventJson.write(StageFailed.of(unconfigured, "ghost", Stage.DUMP,
                FailureReason.REQUEST_REFUSED, "database 'ghost' is not configured", now)));
        connector.source("backup-failed").send(EventJson.write(StageFailed.of(future, "amyterm", Stage.DUMP,
                FailureReason.DUMP_FAILED, "dated next year", now)));
        connector.source("backup-failed").send(EventJson.write(StageFailed.of(foreign, "amyterm", Stage.VERIFY,
                FailureReason.BACKUP_NOT_FOUND, "no such backup", now)));
        String backupId = BackupId.of(now, UUID.randomUUID().toString());
        connector.source("backup-failed").send(EventJson.write(StageFailed.of(backupId, "amyterm", Stage.DUMP,
                FailureReason.DUMP_FAILED, "pg_dump died", now)));

        // Then the ordinary one is recorded (so the others were handled), and nothing of the others is in the bucket
        await().atMost(Duration.ofSeconds(30)).until(() -> store.exists(layout.failureKey("amyterm", backupId)));
        assertThat(store.list(layout.root())).noneMatch(key -> key.contains(refused) || key.contains(unconfigured)
                || key.contains(future) || key.contains(foreign));
    }

    private double uploadedBytes() {
        return registry.find("amyterm.storage.uploaded").tag("database", "amyterm").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }


}
