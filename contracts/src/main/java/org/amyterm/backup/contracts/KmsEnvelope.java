package org.amyterm.backup.contracts;

import java.util.Base64;
import java.util.Map;

/**
 * The KMS envelope convention, defined once: per backup a 256-bit data key from KMS, bound to the
 * backup by the encryption context {@code {backupId, database}}; the OpenPGP passphrase of the
 * object (SKESK) is the data key in base64, which is exactly what {@code aws kms decrypt --query
 * Plaintext --output text} prints, so gpg opens a backup with no part of this software.
 */
public final class KmsEnvelope {
    public static final String CONTEXT_BACKUP_ID = "backupId";
    public static final String CONTEXT_DATABASE = "database";

    private KmsEnvelope() {
    }

    public static Map<String, String> context(String backupId, String database) {
        return Map.of(CONTEXT_BACKUP_ID, backupId, CONTEXT_DATABASE, database);
    }

    /** The OpenPGP passphrase a data key stands for. */
    public static char[] passphrase(byte[] dataKey) {
        return Base64.getEncoder().encodeToString(dataKey).toCharArray();
    }
}
