package org.amyterm.backup.contracts.integrity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The checksum every stage records and checks: SHA-256, lower-case hex. */
final class Sha256 {
    private Sha256() {
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
