package org.amyterm.backup.storage.encrypt;

/** How backups are encrypted: each backup gets a session (the same recipients, or a fresh KMS data key). */
public interface BackupEncryption {

    /** Starts the encryption of one backup; a failure to get its key is a StageException of the store stage. */
    EncryptionSession start(String backupId, String database);
}
