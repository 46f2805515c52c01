package org.amyterm.backup.storage.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.storage.upload.StoreResource;
import org.junit.jupiter.api.Test;

/** Uploads left in progress by a killed or raced attempt are aborted; live ones are left alone. */
@QuarkusTest
@QuarkusTestResource(StoreResource.class)
class OrphanUploadSweepTest {

    @Inject
    ObjectStore store;

    @Inject
    ObjectLayout layout;

    @Inject
    OrphanUploadSweep sweep;

    @Test
    void uploadOlderThanTheMinimumAgeIsAbortedAndAYoungOneIsLeftAlone() throws Exception {
        // Given an upload in progress that nobody completes
        String key = layout.dumpKey("amyterm", newBackupId());
        ObjectStore.Upload upload = leftInProgress(key);

        // When the sweep runs while it is young, Then it stays
        sweep.sweep(Instant.now());
        assertThat(store.inProgressUploads(key)).containsExactly(key);

        // When the sweep runs once it is older than amyterm.storage.sweep.min-age (48h), Then it is aborted
        assertThat(sweep.sweep(Instant.now().plus(Duration.ofHours(49)))).isPositive();
        assertThat(store.inProgressUploads(key)).isEmpty();
        upload.close();
    }

    @Test
    void uploadOfABackupThatIsAlreadyStoredIsAbortedWhateverItsAge() throws Exception {
        // Given a stored backup (its manifest exists) and a leftover upload of the same object
        String backupId = newBackupId();
        String key = layout.dumpKey("amyterm", backupId);
        ObjectStore.Upload upload = leftInProgress(key);
        store.putText(layout.manifestKey("amyterm", backupId), "{}");

        // When the sweep runs, Then the leftover is aborted at once
        assertThat(sweep.sweep(Instant.now())).isPositive();
        assertThat(store.inProgressUploads(key)).isEmpty();
        upload.close();
    }

    private ObjectStore.Upload leftInProgress(String key) throws Exception {
        ObjectStore.Upload upload = store.startUpload(key, 0);
        upload.stream().write(new byte[1000], 0, 1000);
        upload.finishParts();
        assertThat(store.inProgressUploads(key)).containsExactly(key);
        return upload;
    }

    private static String newBackupId() {
        return BackupId.of(Instant.now(), UUID.randomUUID().toString());
    }
}
