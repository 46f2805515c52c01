package org.amyterm.backup.storage.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.objectstore.ObjectStore;
import org.junit.jupiter.api.Test;

/**
 * Two replicas storing one backup (a rebalance during a rolling deploy): whatever the order, the
 * bucket ends with one object and the one manifest that describes it, and the loser leaves nothing.
 */
@QuarkusTest
@QuarkusTestResource(StoreResource.class)
class ReplicaRaceTest {

    @Inject
    EncryptingUploader uploader;

    @Inject
    ObjectStore store;

    @Inject
    ObjectLayout layout;

    @Test
    void attemptThatFindsTheObjectStoredByAnotherWaitsForItsManifestAndLeavesNothing() throws Exception {
        // Given another replica that completed this backup's object but has not written its manifest yet
        BackupCompleted dump = Dumps.spooled(Dumps.randomBytes(3000));
        String key = layout.dumpKey("amyterm", dump.backupId());
        storeObject(key, "the other replica's object");

        // When this replica stores the same backup, Then it does not replace the object and writes no manifest
        assertThatThrownBy(() -> uploader.store(dump)).isInstanceOf(EncryptingUploader.StoredByAnotherAttempt.class);
        assertThat(read(key)).isEqualTo("the other replica's object");
        assertThat(store.exists(layout.manifestKey("amyterm", dump.backupId()))).isFalse();
        assertThat(store.inProgressUploads(layout.backupFolder("amyterm", dump.backupId()))).isEmpty();

        // When the other replica's manifest is written and this one retries
        BackupStored theirs = uploaderStoresAfterTheirManifest(dump);

        // Then it announces the other's object, and the spool file is gone
        assertThat(theirs.ciphertextSha256()).isEqualTo("their-sha");
        assertThat(Path.of(dump.spoolFile())).doesNotExist();
        assertThat(read(key)).isEqualTo("the other replica's object");
    }

    @Test
    void objectLeftWithoutAManifestByADeadAttemptIsReplacedByAWholeBackup() throws Exception {
        // Given an object of this backup written 11 minutes ago by an attempt that died before its manifest
        byte[] content = Dumps.randomBytes(3000);
        BackupCompleted dump = Dumps.spooled(content);
        String key = layout.dumpKey("amyterm", dump.backupId());
        storeObject(key, "abandoned");
        Files.setLastModifiedTime(StoreResource.s3.dataDir().resolve(StoreResource.BUCKET).resolve(key),
                FileTime.from(Instant.now().minus(11, ChronoUnit.MINUTES)));

        // When the backup is stored
        BackupStored stored = uploader.store(dump);

        // Then the object is this backup's, described by its manifest
        byte[] object;
        try (var in = store.open(key)) {
            object = in.readAllBytes();
        }
        assertThat(Dumps.gpgDecrypt(object)).isEqualTo(content);
        Manifest manifest = EventJson.read(store.getText(stored.manifestKey()).orElseThrow(), Manifest.class);
        assertThat(manifest.object().sha256()).isEqualTo(Dumps.sha256(object));
    }

    @Test
    void aSignatureLeftByAStalledAttemptIsReplacedSoTheStoredManifestVerifies() throws Exception {
        // Given a signature in the backup's folder that a stalled attempt wrote for another manifest text
        byte[] content = Dumps.randomBytes(3000);
        BackupCompleted dump = Dumps.spooled(content);
        store.putText(layout.manifestSignatureKey("amyterm", dump.backupId()), StoreResource.signingKey.sign("{\"stale\":1}"));

        // When this attempt stores the backup
        BackupStored stored = uploader.store(dump);

        // Then the folder holds one manifest and a signature gpg accepts for it
        String manifest = store.getText(stored.manifestKey()).orElseThrow();
        String signature = store.getText(layout.manifestSignatureKey("amyterm", dump.backupId())).orElseThrow();
        assertThat(Dumps.gpgVerify(manifest, signature)).contains("GOODSIG");
    }

    @Test
    void aManifestThisServiceCannotTrustKeepsTheSpoolFileAndStoresNothing() throws Exception {
        // Given a backup whose folder already holds a manifest naming this very dump, signed by a key
        // the service does not trust (the twin of the trusted one above, which is announced)
        BackupCompleted dump = Dumps.spooled(Dumps.randomBytes(3000));
        String text = EventJson.writeForPeople(theirManifest(dump));
        store.putText(layout.manifestKey("amyterm", dump.backupId()), text);
        store.putText(layout.manifestSignatureKey("amyterm", dump.backupId()), stranger().sign(text));

        // When it is stored, Then it is refused as untrusted (a verdict), and the spool file stays
        assertThatThrownBy(() -> uploader.store(dump)).isInstanceOfSatisfying(
                org.amyterm.backup.contracts.StageException.class, e -> {
                    assertThat(e.reason()).isEqualTo(org.amyterm.backup.contracts.FailureReason.MANIFEST_UNTRUSTED);
                    assertThat(e.getMessage()).contains("the spool file is kept");
                });
        assertThat(Path.of(dump.spoolFile())).exists();
        assertThat(store.exists(layout.dumpKey("amyterm", dump.backupId()))).isFalse();
    }

    private static org.amyterm.backup.testsupport.GpgKey stranger;

    private static synchronized org.amyterm.backup.testsupport.GpgKey stranger() {
        if (stranger == null) {
            stranger = org.amyterm.backup.testsupport.GpgKey.generateSigning(
                    org.amyterm.backup.testsupport.TestDirs.server("storage-stranger"));
        }
        return stranger;
    }

    private Manifest theirManifest(BackupCompleted dump) {
        return new Manifest(Manifest.FORMAT_VERSION, dump.backupId(), dump.database(), dump.reason(),
                dump.nodeRole(), "15", "pg_dump 15", null, dump.tableRowCounts(),
                new Manifest.Archive(Manifest.Archive.PG_DUMP_CUSTOM, "zstd", dump.archiveBytes(), dump.archiveSha256()),
                new Manifest.Encryption(Manifest.Encryption.OPENPGP_PUBLIC_KEY, Manifest.Encryption.AES256_SEIPD_MDC,
                        "F".repeat(40), null),
                new Manifest.StoredObject(layout.dumpKey("amyterm", dump.backupId()), 26, "their-sha"), Instant.now(),
                Instant.now(), Instant.now());
    }

    private BackupStored uploaderStoresAfterTheirManifest(BackupCompleted dump) {
        String text = EventJson.writeForPeople(theirManifest(dump));
        store.putText(layout.manifestKey("amyterm", dump.backupId()), text);
        store.putText(layout.manifestSignatureKey("amyterm", dump.backupId()), StoreResource.signingKey.sign(text));
        return uploader.store(dump);
    }

    private void storeObject(String key, String text) throws Exception {
        try (ObjectStore.Upload upload = store.startUpload(key, 0)) {
            upload.stream().write(text.getBytes());
            upload.complete();
        }
    }

    private String read(String key) throws Exception {
        try (var in = store.open(key)) {
            return new String(in.readAllBytes());
        }
    }
}
