package org.amyterm.backup.openpgp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Optional;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;

/**
 * A service's own OpenPGP signing key (the storage service's for manifests, the verifier's for
 * evidence): the first key of an armored secret key file that may sign data, is not revoked and has
 * not expired. {@code toString} shows only the fingerprint.
 */
public record SigningKey(PGPPublicKey publicKey, PGPPrivateKey privateKey, String fingerprint) {

    /** {@code property}: the setting that names {@code file}, for the messages. */
    public static SigningKey load(Path file, Optional<Path> passphraseFile, String property) {
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(file))) {
            char[] passphrase = passphraseFile.isPresent()
                    ? Files.readString(passphraseFile.get()).strip().toCharArray() : new char[0];
            PGPSecretKeyRingCollection rings = new PGPSecretKeyRingCollection(in, new JcaKeyFingerprintCalculator());
            for (Iterator<PGPSecretKeyRing> r = rings.getKeyRings(); r.hasNext();) {
                for (Iterator<PGPSecretKey> k = r.next().getSecretKeys(); k.hasNext();) {
                    PGPSecretKey secret = k.next();
                    PGPPublicKey key = secret.getPublicKey();
                    if (secret.isSigningKey() && !key.hasRevocation() && !expired(key) && flaggedForSigning(key)) {
                        PGPPrivateKey privateKey = secret.extractPrivateKey(
                                new JcePBESecretKeyDecryptorBuilder().setProvider(DetachedSigner.BC).build(passphrase));
                        return new SigningKey(key, privateKey, HexFormat.of().withUpperCase().formatHex(key.getFingerprint()));
                    }
                }
            }
            throw new IllegalArgumentException("no usable signing key in " + file
                    + " (" + property + " needs a key with the sign usage flag, not revoked or expired)");
        } catch (IOException | PGPException e) {
            throw new IllegalArgumentException("cannot read the OpenPGP signing key " + file
                    + " (" + property + "; is its passphrase file right?): " + e.getMessage(), e);
        }
    }

    private static boolean expired(PGPPublicKey key) {
        long seconds = key.getValidSeconds();
        return seconds > 0 && key.getCreationTime().toInstant().plusSeconds(seconds).isBefore(java.time.Instant.now());
    }

    private static boolean flaggedForSigning(PGPPublicKey key) {
        for (Iterator<PGPSignature> it = key.getSignatures(); it.hasNext();) {
            PGPSignatureSubpacketVector hashed = it.next().getHashedSubPackets();
            if (hashed != null && (hashed.getKeyFlags() & KeyFlags.SIGN_DATA) != 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "SigningKey[" + fingerprint + ", private key ***]";
    }
}
