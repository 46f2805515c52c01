package org.amyterm.backup.storage.encrypt;

import java.util.Arrays;

/**
 * A KMS data key: the plaintext (the secret, held only while one backup is encrypted, then wiped)
 * and the same key as KMS wrapped it (safe to store). {@code toString} never shows the secret.
 */
record DataKey(String keyId, byte[] plaintext, byte[] wrapped) {

    void wipe() {
        Arrays.fill(plaintext, (byte) 0);
    }

    @Override
    public String toString() {
        return "DataKey[" + keyId + ", plaintext ***, wrapped " + wrapped.length + " bytes]";
    }
}
