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

    /** Starts a streaming upload: memory stays bounded by one part whatever the object's size. */
    Upload startUpload(String key);

    /** Writes a small text object (manifest, evidence), replacing any previous one. */
    void putText(String key, String text);

    /** Reads a small text object, or empty if there is none. */
    Optional<String> getText(String key);

    /** Opens an object for streaming reads. */
    InputStream open(String key);

    boolean exists(String key);

    /** Every key under the prefix, in key order. */
    List<String> list(String prefix);

    void delete(String key);

    /** An upload in progress: write the stream, then complete it, or abort it so nothing is left. */
    interface Upload extends AutoCloseable {
        java.io.OutputStream stream();

        /** Finishes the object; returns its version id, if the store keeps versions. */
        Optional<String> complete();

        void abort();

        /** Aborts unless completed. */
        @Override
        void close();
    }
}
