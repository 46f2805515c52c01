package org.amyterm.backup.storage.encrypt;

import java.io.IOException;
import java.io.OutputStream;
import org.amyterm.backup.contracts.Manifest;

/** The encryption of one backup: the stream stage, and what the manifest says of it. */
public interface EncryptionSession {

    /** What the manifest records: mode, algorithm, recipients or wrapped data key; never a secret. */
    Manifest.Encryption description();

    /**
     * Wraps {@code ciphertext}: what is written to the returned stream is encrypted into it. Closing
     * the returned stream finishes the OpenPGP message but leaves {@code ciphertext} open.
     */
    OutputStream encryptingStream(OutputStream ciphertext, String fileName) throws IOException;
}
