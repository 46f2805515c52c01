package org.amyterm.backup.storage.encrypt;

import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Date;
import java.util.List;
import org.amyterm.backup.contracts.Manifest;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyKeyEncryptionMethodGenerator;

/**
 * The encryption stage: OpenPGP to every recipient key (operations, escrow …), AES-256, SEIPD
 * with a modification detection code, so that
 * {@code gpg --decrypt} reads a backup without this software and a flipped or cut byte fails loudly.
 * No OpenPGP compression: the dump is already zstd-compressed.
 */
public final class OpenPgpEncryption {
    /** JCA's AES is several times faster than BouncyCastle's own (see NOTES). */
    private static final String CIPHER_PROVIDER = "SunJCE";
    private static final org.bouncycastle.jce.provider.BouncyCastleProvider BC =
            new org.bouncycastle.jce.provider.BouncyCastleProvider();

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

    /** The first recipient's fingerprint. */
    public String keyId() {
        return recipients.get(0).fingerprint();
    }

    /** Every recipient's fingerprint: each of their secret keys opens what is written. */
    public List<String> recipients() {
        return recipients.stream().map(RecipientKey::fingerprint).toList();
    }

    public String algorithm() {
        return Manifest.Encryption.AES256_SEIPD_MDC;
    }

    /**
     * Wraps {@code ciphertext}: what is written to the returned stream is encrypted into it. Closing
     * the returned stream finishes the OpenPGP message but leaves {@code ciphertext} open.
     */
    public OutputStream encryptingStream(OutputStream ciphertext, String fileName) throws IOException {
        PGPEncryptedDataGenerator encrypted = new PGPEncryptedDataGenerator(
                new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                        .setWithIntegrityPacket(true)
                        .setSecureRandom(new SecureRandom())
                        .setProvider(CIPHER_PROVIDER));
        for (RecipientKey recipient : recipients) {
            encrypted.addMethod(new JcePublicKeyKeyEncryptionMethodGenerator(recipient.key()).setProvider(BC));
        }
        try {
            OutputStream encryptedOut = encrypted.open(ciphertext, new byte[1 << 16]);
            PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
            OutputStream plaintext = literal.open(encryptedOut, PGPLiteralData.BINARY, fileName, new Date(), new byte[1 << 16]);
            return new java.io.FilterOutputStream(plaintext) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    literal.close();
                    encrypted.close();
                }
            };
        } catch (PGPException e) {
            throw new IOException("cannot start OpenPGP encryption to " + recipients + ": " + e.getMessage(), e);
        }
    }
}
