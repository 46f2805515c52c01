package org.amyterm.backup.storage.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageFailed;
import org.junit.jupiter.api.Test;

/** The object store goes away in the middle of an upload and comes back a minute later: nothing is lost. */
@QuarkusTest
@QuarkusTestResource(StoreResource.class)
class StoreOutageTest extends StorageServiceTest {
    private static final int PART = StoreResource.PART_SIZE;

    @Test
    void storeDownForAMinuteMidUploadIsRiddenOutAndTheBackupStoredExactlyOnce() throws Exception {
        // Given a dump being followed, with parts already uploaded
        Dumps.Dump dump = new Dumps.Dump();
        dump.write(Dumps.randomBytes(2 * PART + 1000));
        send(dump.started());
        String key = layout.dumpKey("amyterm", dump.id);
        await().atMost(Duration.ofSeconds(60)).until(() -> store.inProgressUploads(key).contains(key));
        String otherBackup = BackupId.of(Instant.now(), UUID.randomUUID().toString());

        // When the object store stops, the dump finishes meanwhile and its BackupCompleted arrives,
        // and another backup's failure is to be recorded in the bucket
        StoreResource.s3.stop();
        Instant stopped = Instant.now();
        BackupCompleted completed;
        try {
            dump.write(Dumps.randomBytes(PART + 777));
            completed = dump.complete();
            send(completed);
            connector.source("backup-failed").send(EventJson.write(StageFailed.of(otherBackup, "amyterm", Stage.DUMP,
                    FailureReason.DUMP_FAILED, "pg_dump died", Instant.now())));

            // Then one StageFailed says storing fails and is being retried, and the spool file is kept
            StageFailed first = events.await(StageFailed.class, StageFailed.TYPE);
            assertThat(first.backupId()).isEqualTo(dump.id);
            assertThat(first.reason()).isEqualTo(FailureReason.STORE_UNAVAILABLE);
            assertThat(first.retryable()).isTrue();
            assertThat(first.stillRetrying()).isTrue();
            assertThat(first.message()).contains("retrying until");
            assertThat(Path.of(completed.spoolFile())).exists();
        } finally {
            // When the store comes back 60 s after it stopped
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> Duration.between(stopped, Instant.now()).toSeconds() >= 60);
            StoreResource.s3.startAgain();
        }

        // Then the backup is stored exactly once: one object that decrypts to the dump, one manifest
        BackupStored stored = events.await(BackupStored.class, BackupStored.TYPE);
        assertThat(stored.backupId()).isEqualTo(dump.id);
        assertThat(Dumps.gpgDecrypt(object(key))).isEqualTo(dump.written());
        assertThat(store.list(layout.backupFolder("amyterm", dump.id)))
                .containsExactlyInAnyOrder(key, layout.manifestKey("amyterm", dump.id),
                        layout.manifestSignatureKey("amyterm", dump.id));
        // and the spool file is removed, the aborted follow leaves no upload in progress, and there was one alert
        assertThat(Path.of(completed.spoolFile())).doesNotExist();
        await().atMost(Duration.ofSeconds(60)).until(() -> store.inProgressUploads(layout.root()).isEmpty());
        assertThat(events.ofType(StageFailed.TYPE)).hasSize(1);
        assertThat(events.ofType(BackupStored.TYPE)).hasSize(1);
        // and the failure that came during the outage is in the bucket now
        await().atMost(Duration.ofSeconds(60)).until(() -> store.exists(layout.failureKey("amyterm", otherBackup)));
    }

}
