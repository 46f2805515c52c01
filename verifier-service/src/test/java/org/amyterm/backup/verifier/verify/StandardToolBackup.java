package org.amyterm.backup.verifier.verify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.DumpDetails;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.NodeRole;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.integrity.ChunkHashingOutputStream;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.contracts.KmsEnvelope;
import org.amyterm.backup.testsupport.GpgKey;
import org.amyterm.backup.testsupport.KmsServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import org.amyterm.backup.testsupport.ServerProcess;
import org.amyterm.backup.testsupport.PostgresServer;
import org.amyterm.backup.contracts.Inventory;
import org.amyterm.backup.pgtools.inventory.InventoryReader;
import org.amyterm.backup.pgtools.inventory.RowSampler;
import org.amyterm.backup.testsupport.TestDirs;

/**
 * A backup made with the standard tools only (pg_dump, zstd, gpg) and put in the bucket in the
 * documented layout: the verifier must read it as it reads its own.
 */
final class StandardToolBackup {
    final String backupId = BackupId.of(Instant.now(), UUID.randomUUID().toString());
    final Path dir = TestDirs.server("standard-backup-" + backupId);
    final Path archive = dir.resolve("dump.pgcustom");
    final Path encrypted = dir.resolve(ObjectLayout.DUMP_FILE);
    final Map<String, Long> counts = new LinkedHashMap<>();
    private final Manifest.Encryption encryption;
    private final String database;
    /** The check profile the manifest names; null: none, as in manifests made before profiles. */
    private final String profile;

    StandardToolBackup() throws Exception {
        this(StagingResource.key);
    }

    /** A backup encrypted to {@code recipient}. */
    StandardToolBackup(GpgKey recipient) throws Exception {
        this(recipient, StagingResource.SOURCE, List.of("public.concept", "public.code_system", "public.value_set",
                "public.atc_code", "public.federation_node", "public.schema_version"), null);
    }

    /** A backup of {@code database} (its {@code tables} counted) whose manifest names {@code profile}. */
    StandardToolBackup(String database, List<String> tables, String profile) throws Exception {
        this(StagingResource.key, database, tables, profile);
    }

    private StandardToolBackup(GpgKey recipient, String database, List<String> tables, String profile) throws Exception {
        this.database = database;
        this.profile = profile;
        dumpAndCompress(tables);
        recipient.gpg("--trust-model", "always", "--recipient", recipient.fingerprint(), "-z", "0",
                "--cipher-algo", "AES256", "--output", encrypted.toString(), "--encrypt", dir.resolve("dump.pgcustom.zst").toString());
        encryption = new Manifest.Encryption(Manifest.Encryption.OPENPGP_PUBLIC_KEY, Manifest.Encryption.AES256_SEIPD_MDC,
                recipient.fingerprint(), null);
    }

    /**
     * A KMS-envelope backup made as the runbook reads it: a data key from KMS (as the storage
     * service's principal, GenerateDataKey only) under this backup's context, its base64 the
     * passphrase of {@code gpg --symmetric}.
     */
    StandardToolBackup(KmsServer kms) throws Exception {
        this.database = StagingResource.SOURCE;
        this.profile = null;
        dumpAndCompress(List.of("public.concept", "public.code_system", "public.value_set", "public.atc_code",
                "public.federation_node", "public.schema_version"));
        Map<String, String> context = KmsEnvelope.context(backupId, StagingResource.SOURCE);
        var credentials = kms.storageCredentials();
        GenerateDataKeyResponse key;
        try (KmsClient client = KmsClient.builder().endpointOverride(java.net.URI.create(kms.endpoint()))
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        credentials.accessKeyId(), credentials.secretAccessKey()))).build()) {
            key = client.generateDataKey(b -> b.keyId(KmsServer.ALIAS).keySpec(DataKeySpec.AES_256).encryptionContext(context));
        }
        Path passphrase = Files.writeString(dir.resolve("passphrase"),
                new String(KmsEnvelope.passphrase(key.plaintext().asByteArray())));
        ServerProcess.run(List.of("gpg", "--batch", "--yes", "--no-tty", "--pinentry-mode", "loopback", "--passphrase-file",
                passphrase.toString(), "--symmetric", "-z", "0", "--cipher-algo", "AES256", "--output", encrypted.toString(),
                dir.resolve("dump.pgcustom.zst").toString()), Map.of("GNUPGHOME", StagingResource.key.home().toString()),
                dir, Duration.ofMinutes(1));
        Files.delete(passphrase);
        encryption = new Manifest.Encryption(Manifest.Encryption.KMS_ENVELOPE, Manifest.Encryption.AES256_SEIPD_MDC,
                key.keyId(), java.util.Base64.getEncoder().encodeToString(key.ciphertextBlob().asByteArray()), List.of(),
                context);
    }

    private void dumpAndCompress(List<String> tables) throws Exception {
        var pg = StagingResource.postgres;
        if (profile != null) {
            try (java.sql.Connection source = java.sql.DriverManager.getConnection(pg.jdbcUrl(database),
                    PostgresServer.SUPERUSER, pg.password())) {
                sequences = new InventoryReader(source, InventoryReader.Exclusions.NONE).sequences();
            }
        }
        ServerProcess.run(List.of(pg.binDir().resolve("pg_dump").toString(), "--format=custom", "--compress=0",
                "--no-owner", "--host=" + pg.host(), "--port=" + pg.port(), "--username=postgres",
                "--file=" + archive, database), Map.of("PGPASSWORD", pg.password()), dir, Duration.ofMinutes(2));
        ServerProcess.run(List.of("zstd", "-q", "-1", "-f", archive.toString(), "-o", dir.resolve("dump.pgcustom.zst").toString()),
                Map.of(), dir, Duration.ofMinutes(1));
        for (String table : tables) {
            counts.put(table, Long.parseLong(pg.psql(database, "SELECT count(*) FROM " + table)));
        }
        if (profile != null) {
            // as the backup service records it, every row sampled, so any changed row is in the sample
            try (java.sql.Connection source = java.sql.DriverManager.getConnection(pg.jdbcUrl(database),
                    PostgresServer.SUPERUSER, pg.password())) {
                InventoryReader reader = new InventoryReader(source, InventoryReader.Exclusions.NONE);
                inventory = reader.read(sequences, new RowSampler(source).take(reader.primaryKeys(), 1, Duration.ofMinutes(1)));
            }
        }
    }

    private List<String> roles = List.of();
    /** Record no chunk hashes, as manifests written before they were recorded. */
    boolean withoutChunks;
    private Path globalsPlain;
    private Path globalsEncrypted;

    /**
     * Records {@code roles} as referenced by the dump and keeps the server's roles beside it, as the
     * backup service does: {@code pg_dumpall --globals-only --no-role-passwords}, encrypted alike.
     */
    StandardToolBackup withGlobals(GpgKey recipient, List<String> referenced) {
        var pg = StagingResource.postgres;
        roles = List.copyOf(referenced);
        globalsPlain = dir.resolve("globals.sql");
        globalsEncrypted = dir.resolve(ObjectLayout.GLOBALS_FILE);
        ServerProcess.run(List.of(pg.binDir().resolve("pg_dumpall").toString(), "--globals-only", "--no-role-passwords",
                "--host=" + pg.host(), "--port=" + pg.port(), "--username=postgres", "--file=" + globalsPlain),
                Map.of("PGPASSWORD", pg.password()), dir, Duration.ofMinutes(1));
        recipient.gpg("--trust-model", "always", "--recipient", recipient.fingerprint(), "-z", "0", "--cipher-algo",
                "AES256", "--output", globalsEncrypted.toString(), "--encrypt", globalsPlain.toString());
        return this;
    }

    /** What the backup service would have recorded of the source at dump time (generic-profile backups only). */
    Inventory inventory;
    private Map<String, String> sequences;

    /**
     * Flips one byte in the middle of the encrypted file after its checksum was recorded, as an
     * attacker with write access to the bucket would; returns the checksum recorded before.
     */
    String tamperAfterItsChecksumWasRecorded() throws Exception {
        String recorded = sha256(encrypted);
        recordedChunks = chunkHashes();
        tamper();
        return recorded;
    }

    /** Flips one byte in the middle of the encrypted file. */
    private void tamper() throws Exception {
        byte[] bytes = Files.readAllBytes(encrypted);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(encrypted, bytes);
    }

    /** Uploads the object and a manifest (with the given row counts), and returns the BackupStored to send. */
    BackupStored upload(ObjectStore store, ObjectLayout layout, Map<String, Long> manifestCounts, String ciphertextSha256)
            throws Exception {
        return upload(store, layout, manifestCounts, ciphertextSha256, StagingResource.signingKey);
    }

    /** As above, with the manifest signed by {@code signer} using gpg (none: unsigned). */
    BackupStored upload(ObjectStore store, ObjectLayout layout, Map<String, Long> manifestCounts, String ciphertextSha256,
            GpgKey signer) throws Exception {
        String key = layout.dumpKey(database, backupId);
        try (ObjectStore.Upload upload = store.startUpload(key, 0)) {
            Files.copy(encrypted, upload.stream());
            upload.complete();
        }
        Manifest.Globals globals = null;
        if (globalsPlain != null) {
            String globalsKey = layout.globalsKey(database, backupId);
            try (ObjectStore.Upload upload = store.startUpload(globalsKey, 0)) {
                Files.copy(globalsEncrypted, upload.stream());
                upload.complete();
            }
            globals = new Manifest.Globals(new Manifest.StoredObject(globalsKey, Files.size(globalsEncrypted),
                    sha256(globalsEncrypted)), Files.size(globalsPlain), sha256(globalsPlain), encryption);
        }
        Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, backupId, database, BackupReason.MANUAL,
                NodeRole.CENTRAL, "15", "pg_dump", "2.3.1", manifestCounts,
                new Manifest.Archive(Manifest.Archive.PG_DUMP_CUSTOM, "zstd", Files.size(archive), sha256(archive)),
                encryption,
                stored(key, encrypted, ciphertextSha256), Instant.now(), Instant.now(),
                Instant.now(), profile == null ? null : new DumpDetails("default", List.of("--format=custom"), extensions(),
                        roles, profile, "daily", "PT26H", "PT4H", inventory), globals);
        String manifestKey = layout.manifestKey(database, backupId);
        String text = EventJson.write(manifest);
        store.putText(manifestKey, text);
        if (signer != null) {
            store.putText(layout.manifestSignatureKey(database, backupId), signer.sign(text));
        }
        return new BackupStored(backupId, database, StagingResource.BUCKET, key, null, manifestKey,
                Files.size(encrypted), ciphertextSha256, encryption.keyId(), "AES-256", "daily", null, Instant.now());
    }

    /**
     * The object as the storage service records it: with the sha256 of each 1 MiB chunk, so the
     * verifier proves each chunk before decrypting it (set {@link #withoutChunks} for a manifest
     * written before chunks were recorded).
     */
    private Manifest.StoredObject stored(String key, Path encrypted, String sha256) throws IOException {
        if (withoutChunks) {
            return new Manifest.StoredObject(key, Files.size(encrypted), sha256);
        }
        return new Manifest.StoredObject(key, Files.size(encrypted), sha256, CHUNK_BYTES,
                recordedChunks != null ? recordedChunks : chunkHashes());
    }

    private List<String> chunkHashes() throws IOException {
        ChunkHashingOutputStream chunks = new ChunkHashingOutputStream(java.io.OutputStream.nullOutputStream(), CHUNK_BYTES);
        try (InputStream in = Files.newInputStream(encrypted)) {
            in.transferTo(chunks);
        }
        return chunks.chunkSha256();
    }

    /** The chunk hashes recorded before the object was tampered with (null: those of the file as uploaded). */
    private List<String> recordedChunks;

    static final int CHUNK_BYTES = 1024 * 1024;

    /** The source's extensions, as the backup service records them. */
    private List<String> extensions() {
        return List.of(StagingResource.postgres.psql(database,
                "SELECT string_agg(extname || ' ' || extversion, ',' ORDER BY 1) FROM pg_extension").split(","));
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
