package org.amyterm.backup.storage.encrypt;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.KmsEnvelope;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePBEKeyEncryptionMethodGenerator;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * KMS envelope mode, still OpenPGP: per backup a fresh data key from {@code GenerateDataKey}
 * (the only KMS permission the storage service needs), bound to the backup by the encryption
 * context; the data key, as base64, is the message's passphrase (SKESK, AES-256, SEIPD with MDC).
 * The manifest keeps only the wrapped key, the KMS key id and the context, so {@code aws kms
 * decrypt} then {@code gpg --decrypt} recover any backup without this software.
 */
public final class KmsEnvelopeEncryption implements BackupEncryption {
    private final KmsClient kms;
    private final String keyId;

    public KmsEnvelopeEncryption(KmsClient kms, String keyId) {
        this.kms = kms;
        this.keyId = keyId;
    }

    @Override
    public EncryptionSession start(String backupId, String database) {
        Map<String, String> context = KmsEnvelope.context(backupId, database);
        DataKey key = generate(backupId, database, context);
        Manifest.Encryption description = new Manifest.Encryption(Manifest.Encryption.KMS_ENVELOPE,
                Manifest.Encryption.AES256_SEIPD_MDC, key.keyId(), Base64.getEncoder().encodeToString(key.wrapped()),
                List.of(), context);
        return new EncryptionSession() {
            @Override
            public Manifest.Encryption description() {
                return description;
            }

            @Override
            public OutputStream encryptingStream(OutputStream ciphertext, String fileName) throws IOException {
                char[] passphrase = KmsEnvelope.passphrase(key.plaintext());
                key.wipe();
                return OpenPgpMessage.open(ciphertext, fileName, List.of(new JcePBEKeyEncryptionMethodGenerator(passphrase,
                        s2kDigest()).setProvider(OpenPgpMessage.BC)),
                        () -> Arrays.fill(passphrase, '\0'));
            }
        };
    }

    private DataKey generate(String backupId, String database, Map<String, String> context) {
        try {
            GenerateDataKeyResponse response = kms.generateDataKey(b -> b.keyId(keyId).keySpec(DataKeySpec.AES_256)
                    .encryptionContext(context));
            return new DataKey(response.keyId(), response.plaintext().asByteArray(), response.ciphertextBlob().asByteArray());
        } catch (KmsException e) {
            boolean retryable = e.statusCode() >= 500 || e.statusCode() == 429 || e.retryable();
            throw new StageException(backupId, database, Stage.STORE, retryable ? FailureReason.KMS_UNAVAILABLE
                    : FailureReason.ENCRYPTION_KEY_INVALID, "KMS refused GenerateDataKey for key " + keyId + ": "
                            + (e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorCode() + " "
                                    + e.awsErrorDetails().errorMessage())
                            + (retryable ? "" : " (check amyterm.storage.encryption.kms.key-id and that the storage "
                                    + "service may kms:GenerateDataKey on it)"), e);
        } catch (SdkClientException e) {
            throw new StageException(backupId, database, Stage.STORE, FailureReason.KMS_UNAVAILABLE,
                    "KMS unreachable: " + e.getMessage(), e);
        }
    }

    /** SHA-256 for the passphrase's S2K (iterated and salted); one per message, as a digest is not thread-safe. */
    private static PGPDigestCalculator s2kDigest() throws IOException {
        try {
            return new JcaPGPDigestCalculatorProviderBuilder().build().get(HashAlgorithmTags.SHA256);
        } catch (PGPException e) {
            throw new IOException("no OpenPGP SHA-256 digest: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "KmsEnvelopeEncryption[" + keyId + "]";
    }
}
