package org.amyterm.backup.storage.encrypt;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.amyterm.backup.contracts.Manifest;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyKeyEncryptionMethodGenerator;

/**
 * Public-key mode: every backup is encrypted to the same recipient keys (operations, escrow …);
 * the secret key of any one of them opens it. The storage service holds only the public keys.
 */
public final class OpenPgpEncryption implements BackupEncryption {
    private final List<RecipientKey> recipients;

    public OpenPgpEncryption(List<RecipientKey> recipients) {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("at least one recipient key is needed (amyterm.storage.encryption.public-key-file)");
        }
        this.recipients = List.copyOf(recipients);
    }

    public OpenPgpEncryption(RecipientKey recipient) {
        this(List.of(recipient));
    }

    /** Every recipient's fingerprint: each of their secret keys opens what is written. */
    public List<String> recipients() {
        return recipients.stream().map(RecipientKey::fingerprint).toList();
    }

    @Override
    public EncryptionSession start(String backupId, String database) {
        return new EncryptionSession() {
            @Override
            public Manifest.Encryption description() {
                return Manifest.Encryption.publicKey(Manifest.Encryption.AES256_SEIPD_MDC, recipients());
            }

            @Override
            public OutputStream encryptingStream(OutputStream ciphertext, String fileName) throws IOException {
                return OpenPgpEncryption.this.encryptingStream(ciphertext, fileName);
            }
        };
    }

    /** The stream stage for these recipients (see {@link EncryptionSession#encryptingStream}). */
    public OutputStream encryptingStream(OutputStream ciphertext, String fileName) throws IOException {
        return OpenPgpMessage.open(ciphertext, fileName, recipients.stream()
                .map(r -> new JcePublicKeyKeyEncryptionMethodGenerator(r.key()).setProvider(OpenPgpMessage.BC)).toList());
    }

    @Override
    public String toString() {
        return "OpenPgpEncryption" + recipients();
    }
}
