package org.amyterm.backup.verifier.decrypt;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Base64;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.KmsEnvelope;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.verifier.config.VerifierConfig;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * Unwraps the data key of a KMS-envelope backup with {@code kms:Decrypt} (the only KMS permission
 * the verifier needs), under the encryption context of that very backup. The KMS client is made
 * on first use (endpoint, region and credentials from the SDK's standard configuration), so a
 * verifier of public-key backups needs no KMS at all.
 */
@ApplicationScoped
public class KmsDataKeys {
    private final VerifierConfig.Decryption config;
    private volatile KmsClient kms;

    public KmsDataKeys(VerifierConfig config) {
        this.config = config.decryption();
    }

    /** The passphrase of the backup's OpenPGP message; the caller wipes it after use. */
    public char[] passphrase(Manifest manifest, Stage stage) {
        Manifest.Encryption encryption = manifest.encryption();
        // the context is computed from the backup (the manifest is bound to its folder), never taken on the manifest's word
        java.util.Map<String, String> context = KmsEnvelope.context(manifest.backupId(), manifest.database());
        if (!context.equals(encryption.encryptionContext())) {
            throw new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.DECRYPTION_FAILED,
                    "the manifest's encryption context " + encryption.encryptionContext() + " is not this backup's");
        }
        try {
            byte[] dataKey = client().decrypt(b -> b.keyId(encryption.keyId())
                    .ciphertextBlob(SdkBytes.fromByteArray(Base64.getDecoder().decode(encryption.wrappedDataKey())))
                    .encryptionContext(context)).plaintext().asByteArray();
            try {
                return KmsEnvelope.passphrase(dataKey);
            } finally {
                java.util.Arrays.fill(dataKey, (byte) 0);
            }
        } catch (InvalidCiphertextException e) {
            throw new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.DECRYPTION_FAILED,
                    "KMS refused to unwrap the data key (InvalidCiphertextException): the wrapped key or its context "
                            + "was altered, or it is another key's", e);
        } catch (KmsException e) {
            boolean retryable = e.statusCode() >= 500 || e.statusCode() == 429;
            String code = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorCode();
            throw new StageException(manifest.backupId(), manifest.database(), stage,
                    retryable ? FailureReason.KMS_UNAVAILABLE : FailureReason.DECRYPTION_FAILED,
                    "KMS refused Decrypt with key " + encryption.keyId() + " (" + code + ")"
                            + (retryable ? "" : ": check that the verifier may kms:Decrypt with it"), e);
        } catch (SdkClientException e) {
            throw new StageException(manifest.backupId(), manifest.database(), stage, FailureReason.KMS_UNAVAILABLE,
                    "KMS unreachable: " + e.getMessage(), e);
        }
    }

    private KmsClient client() {
        KmsClient client = kms;
        if (client == null) {
            synchronized (this) {
                if (kms == null) {
                    AwsCredentialsProvider credentials = config.kms().profile()
                            .<AwsCredentialsProvider>map(ProfileCredentialsProvider::create)
                            .orElseGet(() -> DefaultCredentialsProvider.builder().build());
                    kms = KmsClient.builder().httpClientBuilder(ApacheHttpClient.builder())
                            .overrideConfiguration(o -> o.apiCallTimeout(config.kms().callTimeout()))
                            .credentialsProvider(credentials).build();
                }
                client = kms;
            }
        }
        return client;
    }
}
