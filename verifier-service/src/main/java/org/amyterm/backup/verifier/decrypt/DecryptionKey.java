package org.amyterm.backup.verifier.decrypt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;

/**
 * The verifier's keyring of OpenPGP secret keys: after a rotation the new key and every old key
 * whose backups are still retained, each from its own file. {@code toString} never shows key
 * material or passphrase.
 */
public final class DecryptionKey {
    private final List<PGPSecretKeyRingCollection> keys;
    private final char[] passphrase;

    private DecryptionKey(List<PGPSecretKeyRingCollection> keys, char[] passphrase) {
        this.keys = List.copyOf(keys);
        this.passphrase = passphrase;
    }

    public static DecryptionKey load(Path keyFile, Optional<Path> passphraseFile) {
        return load(List.of(keyFile), passphraseFile);
    }

    /** Every file's keys; they share one passphrase (or none). No file: only KMS-envelope backups can be read. */
    public static DecryptionKey load(List<Path> keyFiles, Optional<Path> passphraseFile) {
        char[] passphrase;
        try {
            passphrase = passphraseFile.isPresent() ? Files.readString(passphraseFile.get()).strip().toCharArray() : new char[0];
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the passphrase file " + passphraseFile.get() + ": "
                    + e.getMessage(), e);
        }
        List<PGPSecretKeyRingCollection> keys = new ArrayList<>();
        for (Path keyFile : keyFiles) {
            try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(keyFile))) {
                keys.add(new PGPSecretKeyRingCollection(in, new JcaKeyFingerprintCalculator()));
            } catch (IOException | PGPException e) {
                throw new IllegalArgumentException("cannot read the OpenPGP secret key " + keyFile + ": " + e.getMessage(), e);
            }
        }
        return new DecryptionKey(keys, passphrase);
    }

    /** The private key for a recipient key id of a message, if this keyring holds it. */
    Optional<PGPPrivateKey> privateKey(long keyId) throws PGPException {
        for (PGPSecretKeyRingCollection collection : keys) {
            PGPSecretKey secret = collection.getSecretKey(keyId);
            if (secret != null) {
                return Optional.of(secret.extractPrivateKey(new JcePBESecretKeyDecryptorBuilder()
                        .setProvider(OpenPgpDecryption.BC).build(passphrase)));
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "DecryptionKey[***]";
    }
}
