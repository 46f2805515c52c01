package org.amyterm.backup.storage.encrypt;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Date;
import java.util.List;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.operator.PGPKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;

/**
 * The OpenPGP message every backup is: AES-256, SEIPD with a modification detection code, one
 * literal data packet, no OpenPGP compression (the dump is already zstd), the session key
 * encrypted for each method (public keys, or a KMS data key as passphrase). {@code gpg --decrypt}
 * reads it; a flipped or cut byte fails loudly.
 */
final class OpenPgpMessage {
    /** JCA's AES is several times faster than BouncyCastle's own (see NOTES). */
    private static final String CIPHER_PROVIDER = "SunJCE";
    static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private OpenPgpMessage() {
    }

    static OutputStream open(OutputStream ciphertext, String fileName, List<? extends PGPKeyEncryptionMethodGenerator> methods)
            throws IOException {
        return open(ciphertext, fileName, methods, () -> { });
    }

    /** As above; {@code afterClose} runs once the message is finished (or failed to finish), e.g. to wipe a key. */
    static OutputStream open(OutputStream ciphertext, String fileName, List<? extends PGPKeyEncryptionMethodGenerator> methods,
            Runnable afterClose) throws IOException {
        PGPEncryptedDataGenerator encrypted = new PGPEncryptedDataGenerator(
                new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                        .setWithIntegrityPacket(true)
                        .setSecureRandom(new SecureRandom())
                        .setProvider(CIPHER_PROVIDER));
        methods.forEach(encrypted::addMethod);
        try {
            OutputStream encryptedOut = encrypted.open(ciphertext, new byte[1 << 16]);
            PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
            OutputStream plaintext = literal.open(encryptedOut, PGPLiteralData.BINARY, fileName, new Date(), new byte[1 << 16]);
            return new FilterOutputStream(plaintext) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    try {
                        literal.close();
                        encrypted.close();
                    } finally {
                        afterClose.run();
                    }
                }
            };
        } catch (PGPException e) {
            afterClose.run();
            throw new IOException("cannot start OpenPGP encryption: " + e.getMessage(), e);
        }
    }
}
