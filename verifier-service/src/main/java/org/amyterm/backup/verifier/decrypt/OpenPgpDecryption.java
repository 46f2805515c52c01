package org.amyterm.backup.verifier.decrypt;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPPBEEncryptedData;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.PGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePBEDataDecryptorFactoryBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyDataDecryptorFactoryBuilder;

/**
 * The decryption stage: reads an OpenPGP message as a stream. The integrity check (MDC) can only
 * be judged at the end, so the stream throws {@link IntegrityException} at end of data if the
 * message was altered or cut: its consumer must treat everything read as untrusted until then.
 */
public final class OpenPgpDecryption {
    static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private final DecryptionKey key;

    public OpenPgpDecryption(DecryptionKey key) {
        this.key = key;
    }

    /** A message encrypted to one of the keyring's public keys. */
    public InputStream decryptingStream(InputStream ciphertext) throws IOException, PGPException {
        return decryptingStream(ciphertext, null);
    }

    /**
     * A message encrypted to one of the keyring's public keys or, when {@code passphrase} is given
     * (KMS envelope mode: the data key), with that passphrase.
     */
    public InputStream decryptingStream(InputStream ciphertext, char[] passphrase) throws IOException, PGPException {
        JcaPGPObjectFactory outer = new JcaPGPObjectFactory(PGPUtil.getDecoderStream(ciphertext));
        Object first = outer.nextObject();
        PGPEncryptedDataList list = first instanceof PGPEncryptedDataList l ? l : (PGPEncryptedDataList) outer.nextObject();
        for (Iterator<?> it = list.getEncryptedDataObjects(); it.hasNext();) {
            Object candidate = it.next();
            InputStream clear;
            if (candidate instanceof PGPPublicKeyEncryptedData encrypted && passphrase == null) {
                java.util.Optional<PGPPrivateKey> privateKey = key.privateKey(encrypted.getKeyID());
                if (privateKey.isEmpty()) {
                    continue;
                }
                requireIntegrityProtected(encrypted);
                clear = encrypted.getDataStream(BatchedCfbDecryptors.publicKey(new JcePublicKeyDataDecryptorFactoryBuilder()
                        .setProvider(BC).setContentProvider("SunJCE").build(privateKey.get())));
            } else if (candidate instanceof PGPPBEEncryptedData encrypted && passphrase != null) {
                requireIntegrityProtected(encrypted);
                PGPDigestCalculatorProvider digests = new JcaPGPDigestCalculatorProviderBuilder().setProvider(BC).build();
                clear = encrypted.getDataStream(BatchedCfbDecryptors.passphrase(passphrase, digests,
                        new JcePBEDataDecryptorFactoryBuilder(digests).setProvider(BC).build(passphrase)));
            } else {
                continue;
            }
            Object message = new JcaPGPObjectFactory(clear).nextObject();
            if (message instanceof PGPCompressedData compressed) {
                message = new JcaPGPObjectFactory(compressed.getDataStream()).nextObject();
            }
            if (!(message instanceof PGPLiteralData literal)) {
                throw new PGPException("unexpected OpenPGP packet " + message.getClass().getSimpleName());
            }
            return new Verifying(literal.getInputStream(), (PGPEncryptedData) candidate);
        }
        throw new PGPException(passphrase == null ? "the backup is not encrypted to any key the verifier holds"
                : "the backup has no passphrase-encrypted session key for its KMS data key");
    }

    private static void requireIntegrityProtected(PGPEncryptedData encrypted) throws IntegrityException {
        if (!encrypted.isIntegrityProtected()) {
            throw new IntegrityException("the backup is not integrity-protected (no MDC): refusing to trust it");
        }
    }

    /** Checks the MDC when the literal data ends. */
    private static final class Verifying extends FilterInputStream {
        private final PGPEncryptedData encrypted;
        private boolean verified;

        Verifying(InputStream in, PGPEncryptedData encrypted) {
            super(in);
            this.encrypted = encrypted;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                verify();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n < 0) {
                verify();
            }
            return n;
        }

        private void verify() throws IOException {
            if (verified) {
                return;
            }
            try {
                if (!encrypted.verify()) {
                    throw new IntegrityException("the backup failed its OpenPGP integrity check (MDC): it was altered");
                }
                verified = true;
            } catch (PGPException e) {
                throw new IntegrityException("the backup failed its OpenPGP integrity check: " + e.getMessage());
            }
        }
    }

    /** The encrypted message was altered or truncated. */
    public static final class IntegrityException extends IOException {
        public IntegrityException(String message) {
            super(message);
        }
    }
}
