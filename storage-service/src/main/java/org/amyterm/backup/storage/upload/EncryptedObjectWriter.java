package org.amyterm.backup.storage.upload;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.contracts.integrity.ChunkHashingOutputStream;
import org.amyterm.backup.contracts.integrity.HashingInputStream;
import org.amyterm.backup.contracts.integrity.HashingOutputStream;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.amyterm.backup.storage.encrypt.BackupEncryption;
import org.amyterm.backup.storage.encrypt.EncryptionSession;
import org.amyterm.backup.storage.spool.GrowingSpoolFile;

/**
 * The storing chain, one pass over the spool: read → hash and count (what the dump recorded) →
 * OpenPGP encryption (with this backup's key) → hash and count (what the manifest records) →
 * hash of each chunk (what a restore proves before using a byte) → multipart upload. It leaves the
 * upload uncompleted: only a matching checksum may complete it. Every failure of the chain is
 * mapped to its StageException here, once.
 */
@ApplicationScoped
public class EncryptedObjectWriter {
    private final ObjectStore store;
    private final ObjectLayout layout;
    private final BackupEncryption encryption;
    private final PendingAborts aborts;

    public EncryptedObjectWriter(ObjectStore store, ObjectLayout layout, BackupEncryption encryption,
            PendingAborts aborts) {
        this.store = store;
        this.layout = layout;
        this.encryption = encryption;
        this.aborts = aborts;
    }

    /**
     * The spool opened by {@code source}, encrypted and uploaded in full (locked until
     * {@code retainUntil} where Object Lock is on); the caller completes or closes it.
     */
    PreparedObject write(String backupId, String database, long expectedBytes, Instant retainUntil, SpoolSource source) {
        return write(layout.dumpKey(database, backupId), backupId + ".pgcustom.zst", backupId, database, expectedBytes,
                retainUntil, source);
    }

    /** As {@link #write(String, String, long, Instant, SpoolSource)}, to {@code key}, naming the plaintext {@code fileName}. */
    PreparedObject write(String key, String fileName, String backupId, String database, long expectedBytes,
            Instant retainUntil, SpoolSource source) {
        ObjectStore.Upload upload = null;
        try (InputStream spool = source.open()) {
            EncryptionSession session = encryption.start(backupId, database);
            upload = store.startUpload(key, expectedBytes, retainUntil);
            HashingInputStream spooled = new HashingInputStream(spool);
            ChunkHashingOutputStream chunks = new ChunkHashingOutputStream(upload.stream(), chunkBytes(expectedBytes));
            HashingOutputStream ciphertext = new HashingOutputStream(chunks);
            try (OutputStream plaintext = session.encryptingStream(ciphertext, fileName)) {
                // as large as the OpenPGP packets the encryption writes (transferTo's 8 KiB takes 8 calls per packet)
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = spooled.read(buffer)) >= 0;) {
                    plaintext.write(buffer, 0, n);
                }
            }
            upload.finishParts();
            return new PreparedObject(upload, spooled.bytes(), spooled.sha256(), ciphertext.bytes(), ciphertext.sha256(),
                    chunks.chunkBytes(), chunks.chunkSha256(), session.description(), aborts);
        } catch (IOException | RuntimeException e) {
            if (upload != null) {
                aborts.abort(upload);
            }
            throw failure(backupId, database, e);
        }
    }

    /**
     * Chunks of 1 MiB (small, so a reader of the archive's start, its table of contents, downloads
     * little of a large object), doubled for objects of over 8 GiB so a manifest lists at most about
     * 8,192 of them; at most 32 MiB (what a restore holds in memory).
     */
    static int chunkBytes(long expectedBytes) {
        long chunk = MIN_CHUNK_BYTES;
        while (chunk < MAX_CHUNK_BYTES && expectedBytes / chunk > 8192) {
            chunk *= 2;
        }
        return (int) chunk;
    }

    static final int MIN_CHUNK_BYTES = 1024 * 1024;
    static final int MAX_CHUNK_BYTES = org.amyterm.backup.contracts.Manifest.StoredObject.MAX_CHUNK_BYTES;

    static StageException failure(String backupId, String database, Exception e) {
        if (e instanceof StageException stage) {
            return stage;
        }
        ObjectStoreException storeFailure = storeFailure(e);
        if (storeFailure != null) {
            return storeFailure.failure(backupId, database, Stage.STORE, "");
        }
        if (e instanceof NoSuchFileException) {
            return new StageException(backupId, database, Stage.STORE, FailureReason.SPOOL_MISSING, "spool file "
                    + e.getMessage() + " is gone: was the spool cleaned, or is it not shared with the backup service? "
                    + "Take a new backup", e);
        }
        if (e instanceof GrowingSpoolFile.DumpAbandonedException) {
            return new StageException(backupId, database, Stage.STORE, FailureReason.SPOOL_MISSING,
                    e.getMessage() + "; the upload that followed it was aborted", e);
        }
        if (e instanceof InterruptedIOException) {
            return new StageException(backupId, database, Stage.STORE, FailureReason.UNEXPECTED,
                    "the storage service was stopped while storing; the upload was aborted", e);
        }
        if (e instanceof IOException) {
            return new StageException(backupId, database, Stage.STORE, FailureReason.SPOOL_MISSING,
                    "reading the spool file failed: " + e.getMessage(), e);
        }
        return new StageException(backupId, database, Stage.STORE, FailureReason.UNEXPECTED,
                "storing failed unexpectedly: " + e, e);
    }

    private static ObjectStoreException storeFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ObjectStoreException s) {
                return s;
            }
        }
        return null;
    }

    /** Opens the spool for reading: a finished file, or one that is still growing. */
    @FunctionalInterface
    interface SpoolSource {
        InputStream open() throws IOException;
    }
}
