package org.amyterm.backup.objectstore;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The bucket backups live in: the source of truth. Every implementation passes the same contract
 * test suite ({@code ObjectStoreContract}).
 */
public interface ObjectStore {

    /** The bucket (or container) name, as recorded in events and manifests. */
    String bucket();

    /**
     * Starts a streaming upload whose memory stays bounded whatever the object's size.
     * {@code expectedBytes} (0 if unknown) sizes the parts; the object may end up larger or smaller.
     */
    default Upload startUpload(String key, long expectedBytes) {
        return startUpload(key, expectedBytes, null);
    }

    /**
     * As above; with Object Lock configured, the object cannot be deleted before {@code retainUntil}
     * (null: no date).
     */
    Upload startUpload(String key, long expectedBytes, java.time.Instant retainUntil);

    /** Writes a small text object (manifest, evidence), replacing any previous one. */
    default void putText(String key, String text) {
        putText(key, text, null);
    }

    /** Writes a small text object unless one exists ({@code If-None-Match: *}); false if one did. */
    default boolean putTextIfAbsent(String key, String text) {
        return putTextIfAbsent(key, text, null);
    }

    /** As above, locked until {@code retainUntil} where Object Lock is configured (null: no date). */
    boolean putTextIfAbsent(String key, String text, java.time.Instant retainUntil);

    /** {@link #putText}, locked until {@code retainUntil} where Object Lock is configured (null: no date). */
    void putText(String key, String text, java.time.Instant retainUntil);

    /**
     * Largest text object (manifest, evidence, failure record, signature) read by default: what a
     * bucket writer plants beyond it is refused unread, so it cannot take a service out of memory.
     */
    long MAX_TEXT_BYTES = 4L * 1024 * 1024;

    /** Reads a small text object (at most {@link #MAX_TEXT_BYTES}), or empty if there is none. */
    default Optional<String> getText(String key) {
        return getText(key, MAX_TEXT_BYTES);
    }

    /**
     * Reads a text object of at most {@code maxBytes}, or empty if there is none; a larger one is
     * not read beyond the cap and throws {@link ObjectTooLargeException}.
     */
    Optional<String> getText(String key, long maxBytes);

    /** Opens an object for streaming reads. */
    InputStream open(String key);

    /**
     * Opens {@code length} bytes of an object from {@code offset} (an HTTP range): a reader that needs
     * the start of a large object does not download the rest.
     */
    InputStream open(String key, long offset, long length);

    boolean exists(String key);

    /** When the object was last written, or empty if there is none. */
    Optional<java.time.Instant> lastModified(String key);

    /** Every key under the prefix, in key order. */
    default List<String> list(String prefix) {
        return listObjects(prefix).stream().map(StoredObjectInfo::key).toList();
    }

    /** Every object under the prefix, in key order, with its ETag (which changes when the object does). */
    List<StoredObjectInfo> listObjects(String prefix);

    /** The "folders" right under the prefix (keys cut at the next '/'), in key order. */
    List<String> childPrefixes(String prefix);

    /** An object as a listing shows it. */
    record StoredObjectInfo(String key, String eTag, long size) {
    }

    void delete(String key);

    /**
     * Where the bucket locks objects (Object Lock): makes {@code key}'s lock last at least until
     * {@code until}, never shortening it; returns whether it was extended. Without a lock mode it
     * does nothing and returns false.
     */
    boolean extendLock(String key, java.time.Instant until);

    /** Whether objects get an Object Lock here ({@code amyterm.store.object-lock.mode}). */
    boolean locksObjects();

    /** Keys of multipart uploads started under the prefix and neither completed nor aborted. */
    default List<String> inProgressUploads(String prefix) {
        return pendingUploads(prefix).stream().map(PendingUpload::key).toList();
    }

    /** Multipart uploads started under the prefix and neither completed nor aborted, with when each began. */
    List<PendingUpload> pendingUploads(String prefix);

    /** Aborts an upload found by {@link #pendingUploads}, whoever started it; one already gone is no error. */
    void abortPendingUpload(PendingUpload upload);

    /** A multipart upload in progress, as the store lists it. */
    record PendingUpload(String key, String uploadId, java.time.Instant initiated) {
    }

    /** An upload in progress: write the stream, then complete it, or abort it so nothing is left. */
    interface Upload extends AutoCloseable {
        java.io.OutputStream stream();

        /**
         * Sends what is left as the last part and waits for every part in flight, so that only
         * {@link #complete()} is left; nothing may be written after it.
         */
        void finishParts();

        /** Finishes the object; returns its version id, if the store keeps versions. */
        Optional<String> complete();

        /**
         * Finishes the object only if none exists under its key ({@code If-None-Match: *}), so two
         * writers of one key end with one object; false (the upload is then still to abort) if one did.
         */
        boolean completeIfAbsent();

        void abort();

        /** Aborts unless completed. */
        @Override
        void close();
    }
}
