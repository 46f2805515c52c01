package org.amyterm.backup.storage.encrypt;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.amyterm.backup.storage.config.StorageConfig;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.kms.KmsClient;

/** The configured encryption, made at start-up: a missing or unusable key stops the service with its reason. */
@ApplicationScoped
public class EncryptionProducer {

    @Produces
    @Singleton
    @Startup
    BackupEncryption encryption(StorageConfig config) {
        StorageConfig.Encryption encryption = config.encryption();
        if (encryption.mode() == StorageConfig.Encryption.Mode.KMS) {
            String keyId = encryption.kms().keyId().orElseThrow(() -> new IllegalArgumentException(
                    "amyterm.storage.encryption.kms.key-id is required when amyterm.storage.encryption.mode=kms"));
            return new KmsEnvelopeEncryption(kms(encryption.kms()), keyId);
        }
        return new OpenPgpEncryption(encryption.publicKeyFile().filter(files -> !files.isEmpty())
                .orElseThrow(() -> new IllegalArgumentException("amyterm.storage.encryption.public-key-file is required "
                        + "when amyterm.storage.encryption.mode=public-key"))
                .stream().map(RecipientKey::load).toList());
    }

    /** Endpoint (AWS_ENDPOINT_URL_KMS), region and credentials from the SDK's standard configuration. */
    private static KmsClient kms(StorageConfig.Encryption.Kms config) {
        return KmsClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(o -> o.apiCallTimeout(config.callTimeout()))
                .credentialsProvider(config.profile().<software.amazon.awssdk.auth.credentials.AwsCredentialsProvider>map(
                        ProfileCredentialsProvider::create).orElseGet(() -> DefaultCredentialsProvider.builder().build()))
                .build();
    }
}
