package org.amyterm.backup.storage.upload;

import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.objectstore.ObjectStore;

/**
 * An encrypted dump whose every part is uploaded, waiting only for the decision to complete it:
 * the figures of what was read from the spool and what was sent, and how it was encrypted (no
 * secret). Closing it aborts the upload
 * unless it was completed.
 */
record PreparedObject(ObjectStore.Upload upload, long spoolBytes, String spoolSha256, long ciphertextBytes,
        String ciphertextSha256, int chunkBytes, java.util.List<String> chunkSha256, Manifest.Encryption encryption,
        PendingAborts aborts) implements AutoCloseable {

    /** The object as the manifest records it, under {@code key}. */
    Manifest.StoredObject stored(String key) {
        return new Manifest.StoredObject(key, ciphertextBytes, ciphertextSha256, chunkBytes, chunkSha256);
    }

    /** Aborts the upload unless it was completed. */
    @Override
    public void close() {
        aborts.abort(upload);
    }
}
