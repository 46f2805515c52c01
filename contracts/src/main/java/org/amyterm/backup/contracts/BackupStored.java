package org.amyterm.backup.contracts;

import java.time.Instant;

/** The encrypted backup and its manifest are in the object store. */
public record BackupStored(
        String backupId,
        String database,
        String bucket,
        String objectKey,
        String versionId,
        String manifestKey,
        long ciphertextBytes,
        String ciphertextSha256,
        String keyId,
        String algorithm,
        String retentionClass,
        Instant retainUntil,
        Instant storedAt) implements BackupEvent {

    public static final String TYPE = "org.amyterm.backup.stored.v1";

    public BackupStored {
        BackupId.requireValid(backupId);
        Require.text(database, "database");
        Require.text(bucket, "bucket");
        Require.text(objectKey, "objectKey");
        Require.text(manifestKey, "manifestKey");
        Require.notNegative(ciphertextBytes, "ciphertextBytes");
        Require.text(ciphertextSha256, "ciphertextSha256");
        Require.text(keyId, "keyId");
        Require.text(algorithm, "algorithm");
        Require.present(storedAt, "storedAt");
    }

    @Override
    public String cloudEventType() {
        return TYPE;
    }

    @Override
    public String topic() {
        return Topics.STORED;
    }
}
