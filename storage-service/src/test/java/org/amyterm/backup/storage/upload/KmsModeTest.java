package org.amyterm.backup.storage.upload;

import org.amyterm.backup.testsupport.Runbook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.KmsEnvelope;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.testsupport.KmsServer;
import org.amyterm.backup.testsupport.TestDirs;
import org.amyterm.backup.testsupport.TestServers;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * KMS envelope mode against a process speaking the KMS wire protocol, with the storage service's
 * real KmsClient holding only kms:GenerateDataKey: each backup has its own data key, the manifest
 * only the wrapped key and its context, and the runbook recovers it with the AWS CLI and gpg.
 */
@QuarkusTest
@QuarkusTestResource(StoreResource.class)
@TestProfile(KmsModeTest.KmsMode.class)
class KmsModeTest extends StorageServiceTest {

    /** Encryption through the KMS stand-in, as the storage service's own principal. */
    public static class KmsMode implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("amyterm.storage.encryption.mode", "kms",
                    "amyterm.storage.encryption.kms.key-id", KmsServer.ALIAS,
                    "amyterm.storage.encryption.kms.profile", KmsServer.STORAGE_PROFILE);
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KmsResource.class));
        }
    }

    /** Starts the stand-in and points the SDK's standard configuration at it. */
    public static class KmsResource implements QuarkusTestResourceLifecycleManager {
        static KmsServer kms;

        @Override
        public Map<String, String> start() {
            kms = TestServers.kms();
            kms.configureSdk(TestDirs.server("kms-sdk"));
            return Map.of();
        }

        @Override
        public void stop() {
            // the stand-in is shared by the JVM and stops with it
        }
    }

    @Test
    void backupIsEncryptedUnderItsOwnDataKeyAndRecoveredByTheRunbookWithAwsCliAndGpg() throws Exception {
        // Given a dump stored in KMS mode
        byte[] archive = Dumps.randomBytes(600_000);
        BackupCompleted dump = Dumps.spooledArchive(archive);
        BackupStored stored = store(dump);

        // Then the manifest names the KMS key, the wrapped data key and the context, and no secret
        String manifestText = store.getText(stored.manifestKey()).orElseThrow();
        Manifest.Encryption encryption = EventJson.read(manifestText, Manifest.class).encryption();
        assertThat(encryption.mode()).isEqualTo(Manifest.Encryption.KMS_ENVELOPE);
        assertThat(encryption.keyId()).isEqualTo(KmsResource.kms.keyArn());
        assertThat(encryption.encryptionContext()).isEqualTo(KmsEnvelope.context(dump.backupId(), "amyterm"));
        String passphrase = new String(KmsEnvelope.passphrase(unwrap(encryption, encryption.encryptionContext())));
        assertThat(manifestText).doesNotContain(passphrase);
        assertThat(stored.keyId()).isEqualTo(KmsResource.kms.keyArn());

        // When an operator follows the runbook (aws s3, aws kms decrypt, gpg, zstd)
        Path dir = Files.createDirectories(TestDirs.server("runbook-kms-" + dump.backupId()));
        Runbook.Run run = Runbook.run(dir, kmsOperator(stored), "find", "fetch", "decrypt-kms", "decompress");

        // Then it gives back exactly the archive, and leaves no passphrase behind
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("restore/dump.pgcustom"))).isEqualTo(archive);
        assertThat(dir.resolve("restore/passphrase")).doesNotExist();
        assertThat(run.output()).doesNotContain(passphrase);
    }

    @Test
    void eachBackupHasItsOwnDataKeyBoundToItByTheEncryptionContext() {
        // Given two backups stored in KMS mode
        Manifest.Encryption first = manifest(store(Dumps.spooledArchive(Dumps.randomBytes(1000)))).encryption();
        Manifest.Encryption second = manifest(store(Dumps.spooledArchive(Dumps.randomBytes(1000)))).encryption();

        // Then their data keys differ
        assertThat(unwrap(first, first.encryptionContext())).isNotEqualTo(unwrap(second, second.encryptionContext()));
        // and KMS refuses to unwrap one backup's key with the other's context
        assertThatThrownBy(() -> unwrap(first, second.encryptionContext())).isInstanceOf(InvalidCiphertextException.class);
        // and the storage service's own principal may not unwrap any key: it cannot read what it wrote
        assertThatThrownBy(() -> client(KmsResource.kms.storageCredentials()).decrypt(b -> b
                .ciphertextBlob(SdkBytes.fromByteArray(Base64.getDecoder().decode(first.wrappedDataKey())))
                .encryptionContext(first.encryptionContext()))).isInstanceOfSatisfying(KmsException.class,
                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException"));
    }

    @Test
    void alteredOrTruncatedObjectFailsTheRunbookLoudly() throws Exception {
        for (String damage : List.of("flipped", "truncated")) {
            // Given a stored backup whose object was then damaged in the bucket
            BackupCompleted dump = Dumps.spooledArchive(Dumps.randomBytes(200_000));
            BackupStored stored = store(dump);
            Path object = StoreResource.s3.dataDir().resolve(StoreResource.BUCKET).resolve(stored.objectKey());
            byte[] bytes = Files.readAllBytes(object);
            if (damage.equals("flipped")) {
                bytes[bytes.length / 2] ^= 0x01;
                Files.write(object, bytes);
            } else {
                Files.write(object, java.util.Arrays.copyOf(bytes, bytes.length - 100));
            }

            // When an operator follows the runbook, Then it stops before decrypting, saying why
            Path dir = Files.createDirectories(TestDirs.server("runbook-" + damage + "-" + dump.backupId()));
            Runbook.Run run = Runbook.run(dir, kmsOperator(stored), "fetch", "decrypt-kms", "decompress");
            assertThat(run.exit()).as(damage).isNotZero();
            assertThat(run.output()).as(damage).contains("do not restore it");
            assertThat(dir.resolve("restore/dump.pgcustom")).doesNotExist();

            // and gpg itself, given the damaged object anyway, refuses it
            Runbook.Run gpg = Runbook.run(dir, kmsOperator(stored), "decrypt-kms");
            assertThat(gpg.exit()).as(damage).isNotZero();
        }
    }

    private BackupStored store(BackupCompleted dump) {
        events.clear();
        send(dump);
        return events.await(BackupStored.class, BackupStored.TYPE);
    }

    private Manifest manifest(BackupStored stored) {
        return EventJson.read(store.getText(stored.manifestKey()).orElseThrow(), Manifest.class);
    }

    /** The data key, as the verifier's principal (Decrypt only) gets it back. */
    private static byte[] unwrap(Manifest.Encryption encryption, Map<String, String> context) {
        return client(KmsResource.kms.verifierCredentials()).decrypt(b -> b
                .ciphertextBlob(SdkBytes.fromByteArray(Base64.getDecoder().decode(encryption.wrappedDataKey())))
                .encryptionContext(context)).plaintext().asByteArray();
    }

    private static KmsClient client(KmsServer.Credentials credentials) {
        return KmsClient.builder().endpointOverride(java.net.URI.create(KmsResource.kms.endpoint()))
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey())))
                .build();
    }

    /** The runbook's operator: the bucket's credentials, which the KMS key also allows to Decrypt. */
    private static Map<String, String> kmsOperator(BackupStored stored) {
        Map<String, String> env = new java.util.HashMap<>(RunbookRecoveryTest.operatorEnvironment(stored,
                StoreResource.key.home()));
        env.put("AWS_ENDPOINT_URL_KMS", KmsResource.kms.endpoint());
        return env;
    }
}
