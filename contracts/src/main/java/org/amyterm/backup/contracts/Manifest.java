package org.amyterm.backup.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code manifest.json}: what a backup is and how to read it back without this software. Written in
 * plaintext beside the encrypted dump; holds no secret (public key fingerprints and, in KMS mode,
 * only the wrapped data key). {@code formatVersion} changes when a reader would misread the file.
 */
public record Manifest(
        int formatVersion,
        String backupId,
        String database,
        BackupReason reason,
        NodeRole nodeRole,
        String pgServerVersion,
        String pgDumpVersion,
        String schemaVersion,
        Map<String, Long> tableRowCounts,
        Archive archive,
        Encryption encryption,
        StoredObject object,
        Instant dumpStartedAt,
        Instant dumpFinishedAt,
        Instant storedAt,
        DumpDetails dumpDetails,
        Globals globals) {

    public static final int FORMAT_VERSION = 1;

    public Manifest {
        if (formatVersion < 1) {
            throw new IllegalArgumentException("formatVersion must be 1 or more");
        }
        BackupId.requireValid(backupId);
        Require.text(database, "database");
        tableRowCounts = tableRowCounts == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(tableRowCounts));
        Require.present(archive, "archive");
        Require.present(encryption, "encryption");
        Require.present(object, "object");
    }

    /**
     * The server's roles and tablespaces stored beside the dump ({@code globals.sql.gpg}): the
     * object, the plaintext SQL's size and sha256, and its encryption (its own data key in KMS mode).
     */
    public record Globals(StoredObject object, long plaintextBytes, String plaintextSha256, Encryption encryption) {
    }

    /** A manifest as written before {@code globals} existed. */
    public Manifest(int formatVersion, String backupId, String database, BackupReason reason, NodeRole nodeRole,
            String pgServerVersion, String pgDumpVersion, String schemaVersion, Map<String, Long> tableRowCounts,
            Archive archive, Encryption encryption, StoredObject object, Instant dumpStartedAt, Instant dumpFinishedAt,
            Instant storedAt, DumpDetails dumpDetails) {
        this(formatVersion, backupId, database, reason, nodeRole, pgServerVersion, pgDumpVersion, schemaVersion,
                tableRowCounts, archive, encryption, object, dumpStartedAt, dumpFinishedAt, storedAt, dumpDetails, null);
    }

    /** A manifest as written before {@code dumpDetails} existed. */
    public Manifest(int formatVersion, String backupId, String database, BackupReason reason, NodeRole nodeRole,
            String pgServerVersion, String pgDumpVersion, String schemaVersion, Map<String, Long> tableRowCounts,
            Archive archive, Encryption encryption, StoredObject object, Instant dumpStartedAt, Instant dumpFinishedAt,
            Instant storedAt) {
        this(formatVersion, backupId, database, reason, nodeRole, pgServerVersion, pgDumpVersion, schemaVersion,
                tableRowCounts, archive, encryption, object, dumpStartedAt, dumpFinishedAt, storedAt, null, null);
    }

    /** The pg_dump archive before compression and encryption: what {@code pg_restore} reads. */
    public record Archive(String format, String compression, long bytes, String sha256) {
        public static final String PG_DUMP_CUSTOM = "pg_dump-custom";
    }

    /**
     * How the object is encrypted. In {@code openpgp-public-key} mode {@code recipients} are the
     * OpenPGP fingerprints of every key that can decrypt it and {@code keyId} the first of them
     * (older manifests have only {@code keyId}). In {@code kms-envelope} mode {@code keyId} is the
     * KMS key, {@code wrappedDataKey} the data key as KMS encrypted it (base64; it is the OpenPGP
     * passphrase once KMS decrypts it) and {@code encryptionContext} what KMS binds it to.
     */
    public record Encryption(String mode, String algorithm, String keyId, String wrappedDataKey, List<String> recipients,
            Map<String, String> encryptionContext) {
        public static final String OPENPGP_PUBLIC_KEY = "openpgp-public-key";
        public static final String KMS_ENVELOPE = "kms-envelope";
        public static final String AES256_SEIPD_MDC = "OpenPGP SEIPDv1 (AES-256, MDC)";

        public Encryption {
            recipients = recipients == null || recipients.isEmpty()
                    ? (keyId == null || KMS_ENVELOPE.equals(mode) ? List.of() : List.of(keyId)) : List.copyOf(recipients);
            encryptionContext = encryptionContext == null ? Map.of()
                    : java.util.Collections.unmodifiableMap(new TreeMap<>(encryptionContext));
        }

        /** Public-key mode: the object opens with the secret key of any of {@code recipients}. */
        public static Encryption publicKey(String algorithm, List<String> recipients) {
            return new Encryption(OPENPGP_PUBLIC_KEY, algorithm, recipients.get(0), null, recipients, null);
        }

        public Encryption(String mode, String algorithm, String keyId, String wrappedDataKey) {
            this(mode, algorithm, keyId, wrappedDataKey, null, null);
        }
    }

    /**
     * The encrypted object as stored. {@code chunkSha256} lists the sha256 of every
     * {@code chunkBytes} of it (the last chunk shorter), so a reader proves each chunk before using
     * a byte of it; manifests written before chunks were recorded have neither (null).
     */
    public record StoredObject(String key, long bytes, String sha256, Integer chunkBytes, List<String> chunkSha256) {
        public StoredObject {
            chunkSha256 = chunkSha256 == null ? null : List.copyOf(chunkSha256);
        }

        /** An object stored before chunks were recorded (or whose chunks are not known). */
        public StoredObject(String key, long bytes, String sha256) {
            this(key, bytes, sha256, null, null);
        }

        /** The largest chunk a writer makes and a reader buffers (a restore holds one chunk in memory). */
        public static final int MAX_CHUNK_BYTES = 32 * 1024 * 1024;

        /** Whether each chunk can be proven while streaming. */
        public boolean hasChunks() {
            return chunkBytes != null && chunkBytes > 0 && chunkBytes <= MAX_CHUNK_BYTES && chunkSha256 != null
                    && chunkSha256.size() == expectedChunks(bytes, chunkBytes);
        }

        static long expectedChunks(long bytes, int chunkBytes) {
            return bytes == 0 ? 0 : (bytes + chunkBytes - 1) / chunkBytes;
        }
    }

    /**
     * Why this manifest does not belong in the folder of {@code database}/{@code backupId} of
     * {@code layout}, or empty if it does: its names, the keys of its objects and, in KMS mode, the
     * encryption context must all be the folder's. A signed manifest copied into another folder
     * (an older backup's, another database's) is thereby refused.
     */
    public java.util.Optional<String> bindingProblem(ObjectLayout layout, String database, String backupId) {
        if (!database.equals(this.database) || !backupId.equals(this.backupId)) {
            return java.util.Optional.of("the manifest describes backup " + this.backupId + " of " + this.database
                    + ", but lies in the folder of backup " + backupId + " of " + database);
        }
        String dumpKey = layout.dumpKey(database, backupId);
        if (!dumpKey.equals(object.key())) {
            return java.util.Optional.of("the manifest names the object " + object.key() + ", not its folder's " + dumpKey);
        }
        if (globals != null && (globals.object() == null || !layout.globalsKey(database, backupId).equals(globals.object().key()))) {
            return java.util.Optional.of("the manifest names a roles file outside its folder");
        }
        Map<String, String> context = KmsEnvelope.context(backupId, database);
        if (Encryption.KMS_ENVELOPE.equals(encryption.mode()) && !context.equals(encryption.encryptionContext())
                || globals != null && globals.encryption() != null
                && Encryption.KMS_ENVELOPE.equals(globals.encryption().mode())
                && !context.equals(globals.encryption().encryptionContext())) {
            return java.util.Optional.of("the manifest's KMS encryption context is not its folder's " + context);
        }
        return java.util.Optional.empty();
    }
}
