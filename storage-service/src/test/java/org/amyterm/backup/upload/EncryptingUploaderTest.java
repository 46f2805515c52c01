package org.amyterm.backup.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.NodeRole;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.messaging.RecordedEvents;
import org.amyterm.backup.objectstore.ObjectStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The storage service against S3Proxy: what it stores, what it refuses, and that it stores once. */
@QuarkusTest
@QuarkusTestResource(StoreResource.class)
class EncryptingUploaderTest {
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
    void spooledDumpIsStoredEncryptedWithItsManifestAndTheSpoolIsEmptied() throws Exception {
        // Given a spooled dump
        BackupCompleted dump = spooled(randomBytes(300_000));

        // When its BackupCompleted arrives
        connector.source("backup-completed").send(EventJson.write(dump));

        // Then a BackupStored names the object, and the manifest describes it without secrets
        BackupStored stored = events.await(BackupStored.class, BackupStored.TYPE);
        assertThat(stored.objectKey()).isEqualTo(layout.dumpKey("amyterm", dump.backupId()));
        Manifest manifest = EventJson.read(store.getText(stored.manifestKey()).orElseThrow(), Manifest.class);
        assertThat(manifest.archive().sha256()).isEqualTo(dump.archiveSha256());
        assertThat(manifest.object().sha256()).isEqualTo(stored.ciphertextSha256());
        assertThat(manifest.encryption().keyId()).isEqualTo(stored.keyId()).hasSize(40);
        try (var in = store.open(stored.objectKey())) {
            byte[] ciphertext = in.readAllBytes();
            assertThat(ciphertext.length).isEqualTo(manifest.object().bytes());
            assertThat(sha256(ciphertext)).isEqualTo(manifest.object().sha256());
        }
        assertThat(Path.of(dump.spoolFile())).doesNotExist();
    }

    @Test
    void redeliveredEventStoresOneObjectAndAnnouncesItAgain() {
        BackupCompleted dump = spooled(randomBytes(1000));
        connector.source("backup-completed").send(EventJson.write(dump));
        connector.source("backup-completed").send(EventJson.write(dump));

        await().atMost(Duration.ofSeconds(60)).until(() -> events.ofType(BackupStored.TYPE).size() == 2);
        List<String> keys = store.list(layout.backupFolder("amyterm", dump.backupId()));
        assertThat(keys).containsExactlyInAnyOrder(layout.dumpKey("amyterm", dump.backupId()),
                layout.manifestKey("amyterm", dump.backupId()));
        assertThat(events.ofType(BackupStored.TYPE).stream().map(m -> EventJson.read(m.getPayload(), BackupStored.class).ciphertextSha256())
                .distinct()).hasSize(1);
    }

    @Test
    void spoolFileChangedSinceTheDumpAbortsTheUploadAndStoresNothing() throws Exception {
        // Given a spool file altered after the dump recorded its checksum
        BackupCompleted dump = spooled(randomBytes(10_000));
        Files.write(Path.of(dump.spoolFile()), randomBytes(10_000));

        connector.source("backup-completed").send(EventJson.write(dump));

        StageFailed failed = events.await(StageFailed.class, StageFailed.TYPE);
        assertThat(failed.stage()).isEqualTo(Stage.STORE);
        assertThat(failed.reason()).isEqualTo(FailureReason.INTEGRITY_MISMATCH);
        assertThat(store.list(layout.backupFolder("amyterm", dump.backupId()))).isEmpty();
        assertThat(Path.of(dump.spoolFile())).doesNotExist();
    }

    @Test
    void spoolFileOutsideTheSpoolIsRefused() throws Exception {
        Path elsewhere = Files.createTempFile("not-in-spool", ".zst");
        BackupCompleted dump = completed(elsewhere, randomBytes(10));

        connector.source("backup-completed").send(EventJson.write(dump));

        StageFailed failed = events.await(StageFailed.class, StageFailed.TYPE);
        assertThat(failed.reason()).isEqualTo(FailureReason.SPOOL_MISSING);
        assertThat(failed.message()).contains("outside the spool", "amyterm.storage.spool-dir");
        assertThat(elsewhere).exists();
    }

    @Test
    void missingSpoolFileIsAPermanentStoreFailure() {
        BackupCompleted dump = spooled(randomBytes(10));
        Path.of(dump.spoolFile()).toFile().delete();

        connector.source("backup-completed").send(EventJson.write(dump));

        StageFailed failed = events.await(StageFailed.class, StageFailed.TYPE);
        assertThat(failed.reason()).isEqualTo(FailureReason.SPOOL_MISSING);
        assertThat(failed.retryable()).isFalse();
    }

    @Test
    void failureIsRecordedInTheBackupsFolder() {
        String backupId = BackupId.of(Instant.now(), UUID.randomUUID().toString());
        StageFailed failed = StageFailed.of(backupId, "amyterm", Stage.DUMP, FailureReason.DUMP_FAILED, "pg_dump died",
                Instant.now());
        connector.source("backup-failed").send(EventJson.write(failed));
        await().atMost(Duration.ofSeconds(30)).until(() -> store.exists(layout.failureKey("amyterm", backupId)));
        assertThat(store.getText(layout.failureKey("amyterm", backupId)).orElseThrow()).contains("pg_dump died");
    }

    private static BackupCompleted spooled(byte[] content) {
        try {
            String id = BackupId.of(Instant.now(), UUID.randomUUID().toString());
            Path file = StoreResource.spool.resolve(id + ".pgcustom.zst");
            Files.write(file, content);
            return completed(file, content, id);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static BackupCompleted completed(Path file, byte[] content) {
        return completed(file, content, BackupId.of(Instant.now(), UUID.randomUUID().toString()));
    }

    private static BackupCompleted completed(Path file, byte[] content, String id) {
        try {
            Files.write(file, content);
            return new BackupCompleted(id, "amyterm", BackupReason.MANUAL, NodeRole.CENTRAL, file.toString(), 5000,
                    "a".repeat(64), content.length, sha256(content), "zstd", "15", "pg_dump 15", "2.3.1",
                    Map.of("public.concept", 3L), Instant.now(), Instant.now());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }


    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random().nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
