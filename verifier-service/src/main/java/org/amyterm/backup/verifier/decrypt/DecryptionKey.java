package org.amyterm.backup.verifier.decrypt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;

/** The verifier's OpenPGP secret keys. {@code toString} never shows key material or passphrase. */
public final class DecryptionKey {
    private final PGPSecretKeyRingCollection keys;
    private final char[] passphrase;

    private DecryptionKey(PGPSecretKeyRingCollection keys, char[] passphrase) {
        this.keys = keys;
        this.passphrase = passphrase;
    }

    public static DecryptionKey load(Path keyFile, Optional<Path> passphraseFile) {
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(keyFile))) {
            char[] passphrase = passphraseFile.isPresent()
                    ? Files.readString(passphraseFile.get()).strip().toCharArray() : new char[0];
            return new DecryptionKey(new PGPSecretKeyRingCollection(in, new JcaKeyFingerprintCalculator()), passphrase);
        } catch (IOException | PGPException e) {
            throw new IllegalArgumentException("cannot read the OpenPGP secret key " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /** The private key for a recipient key id of a message, if this keyring holds it. */
    Optional<PGPPrivateKey> privateKey(long keyId) throws PGPException {
        PGPSecretKey secret = keys.getSecretKey(keyId);
        if (secret == null) {
            return Optional.empty();
        }
        return Optional.of(secret.extractPrivateKey(new JcePBESecretKeyDecryptorBuilder()
                .setProvider(OpenPgpDecryption.BC).build(passphrase)));
    }

    @Override
    public String toString() {
        return "DecryptionKey[***]";
    }
}
