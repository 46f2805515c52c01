package org.amyterm.backup.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every object store must do for backups to be safe. Each implementation runs this suite
 * against a real server (restic's backend tests, in spirit).
 */
abstract class ObjectStoreContract {

    /** A store on an empty bucket of its own. */
    protected abstract ObjectStore store();

    /** The part size the store was made with (the contract writes more than one part). */
    protected abstract int partSize();

    private final String prefix = "contract-" + UUID.randomUUID() + "/";

    @Test
    void streamedUploadOfSeveralPartsReadsBackByteForByte() throws Exception {
        // Given more data than two parts
        byte[] data = new byte[partSize() * 2 + 12345];
        new Random(7).nextBytes(data);

        // When it is streamed in small writes and completed
        ObjectStore.Upload upload = store().startUpload(prefix + "big", 0);
        try (upload) {
            OutputStream out = upload.stream();
            for (int off = 0; off < data.length; off += 7000) {
                out.write(data, off, Math.min(7000, data.length - off));
            }
            upload.complete();
        }

        // Then reading it back gives the same bytes
        try (InputStream in = store().open(prefix + "big")) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void smallUploadOfLessThanOnePartIsComplete() throws Exception {
        try (ObjectStore.Upload upload = store().startUpload(prefix + "small", 0)) {
            upload.stream().write("tiny".getBytes());
            upload.complete();
        }
        try (InputStream in = store().open(prefix + "small")) {
            assertThat(new String(in.readAllBytes())).isEqualTo("tiny");
        }
    }

    @Test
    void aRangeReadsOnlyThoseBytes() throws Exception {
        // Given an object of two parts and more
        byte[] data = new byte[partSize() * 2 + 100];
        new Random(11).nextBytes(data);
        try (ObjectStore.Upload upload = store().startUpload(prefix + "ranged", 0)) {
            upload.stream().write(data);
            upload.complete();
        }
        // When a range inside it and one at its end are read
        try (InputStream middle = store().open(prefix + "ranged", partSize() - 10, 20);
                InputStream end = store().open(prefix + "ranged", data.length - 50, 50)) {
            // Then each holds exactly those bytes, and no more
            assertThat(middle.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(data, partSize() - 10, partSize() + 10));
            assertThat(end.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(data, data.length - 50, data.length));
        }
    }

    @Test
    void abortedUploadLeavesNoObjectAndNoUploadInProgress() throws Exception {
        // Given an upload that sent several whole parts, listed as in progress while it runs
        try (ObjectStore.Upload upload = store().startUpload(prefix + "aborted", 0)) {
            upload.stream().write(new byte[partSize() * 3 + 1]);
            assertThat(store().inProgressUploads(prefix)).containsExactly(prefix + "aborted");
            // When it is closed without completing (as when encryption or a checksum fails)
        }
        // Then there is no object, and no upload in progress holds its parts
        assertThat(store().exists(prefix + "aborted")).isFalse();
        assertThat(store().list(prefix)).doesNotContain(prefix + "aborted");
        assertThat(store().inProgressUploads(prefix)).isEmpty();
    }

    @Test
    void pendingUploadLeftByAnotherProcessIsListedWithItsStartAndCanBeAborted() throws Exception {
        // Given an upload whose parts are sent but which its owner never completes (killed, say)
        java.time.Instant before = java.time.Instant.now().minusSeconds(60);
        try (ObjectStore.Upload upload = store().startUpload(prefix + "orphan", 0)) {
            upload.stream().write(new byte[partSize() + 1]);
            upload.finishParts();

            // When someone else lists the uploads in progress, Then it is there, with when it began
            List<ObjectStore.PendingUpload> pending = store().pendingUploads(prefix);
            assertThat(pending).singleElement().satisfies(p -> {
                assertThat(p.key()).isEqualTo(prefix + "orphan");
                assertThat(p.initiated()).isAfter(before);
            });

            // And aborting it removes it, and its owner's own abort afterwards is no error
            store().abortPendingUpload(pending.get(0));
            assertThat(store().pendingUploads(prefix)).isEmpty();
        }
        assertThat(store().exists(prefix + "orphan")).isFalse();
    }

    @Test
    void secondWriterOfAKeyDoesNotReplaceTheFirstObject() throws Exception {
        // Given two uploads of the same key, as two replicas storing one backup
        ObjectStore.Upload first = store().startUpload(prefix + "raced", 0);
        ObjectStore.Upload second = store().startUpload(prefix + "raced", 0);
        first.stream().write("first".getBytes());
        second.stream().write("second".getBytes());

        // When both complete only if no object exists, Then the first wins and the second is told
        assertThat(first.completeIfAbsent()).isTrue();
        assertThat(second.completeIfAbsent()).isFalse();
        second.abort();
        try (InputStream in = store().open(prefix + "raced")) {
            assertThat(new String(in.readAllBytes())).isEqualTo("first");
        }
        assertThat(store().inProgressUploads(prefix)).isEmpty();

        // and a text object written only if absent keeps its first content too
        assertThat(store().putTextIfAbsent(prefix + "once.json", "1")).isTrue();
        assertThat(store().putTextIfAbsent(prefix + "once.json", "2")).isFalse();
        assertThat(store().getText(prefix + "once.json")).contains("1");
    }

    @Test
    void completedUploadIsNoLongerInProgress() throws Exception {
        try (ObjectStore.Upload upload = store().startUpload(prefix + "done", 0)) {
            upload.stream().write(new byte[partSize() + 1]);
            upload.complete();
        }
        assertThat(store().inProgressUploads(prefix)).isEmpty();
        assertThat(store().exists(prefix + "done")).isTrue();
    }

    @Test
    void textObjectsRoundTripAndAMissingOneIsEmpty() {
        store().putText(prefix + "manifest.json", "{\"ü\": 1}");
        assertThat(store().getText(prefix + "manifest.json")).contains("{\"ü\": 1}");
        assertThat(store().getText(prefix + "nothing.json")).isEqualTo(Optional.empty());
        assertThat(store().exists(prefix + "manifest.json")).isTrue();
        assertThat(store().lastModified(prefix + "manifest.json")).get()
                .matches(t -> Math.abs(java.time.Duration.between(t, java.time.Instant.now()).toMinutes()) < 5);
        assertThat(store().lastModified(prefix + "nothing.json")).isEmpty();
    }

    @Test
    void aTextObjectOverItsCapIsRefusedUnreadAndOneAtTheCapIsRead() {
        store().putText(prefix + "big.json", "x".repeat(1001));
        store().putText(prefix + "fits.json", "x".repeat(1000));
        assertThatThrownBy(() -> store().getText(prefix + "big.json", 1000)).isInstanceOfSatisfying(
                ObjectTooLargeException.class, e -> assertThat(e.isRetryable()).isFalse());
        assertThat(store().getText(prefix + "fits.json", 1000)).contains("x".repeat(1000));
    }

    @Test
    void openingAMissingObjectSaysTheBackupIsIncomplete() {
        assertThatThrownBy(() -> store().open(prefix + "missing.gpg").close()).isInstanceOfSatisfying(
                ObjectNotFoundException.class, e -> assertThat(e.reason())
                        .isEqualTo(org.amyterm.backup.contracts.FailureReason.BACKUP_NOT_FOUND));
    }

    @Test
    void listingReturnsOnlyKeysUnderThePrefixInOrder() {
        store().putText(prefix + "b/2", "x");
        store().putText(prefix + "a/1", "x");
        store().putText(prefix + "ab", "x");
        store().putText("elsewhere-" + UUID.randomUUID(), "x");
        assertThat(store().list(prefix + "a")).isEqualTo(List.of(prefix + "a/1", prefix + "ab"));
    }

    @Test
    void deletedObjectIsGone() {
        store().putText(prefix + "gone", "x");
        store().delete(prefix + "gone");
        assertThat(store().exists(prefix + "gone")).isFalse();
    }
}
