package org.amyterm.backup.verifier.trust;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;

/**
 * The storage services' manifest-signing public keys the verifier trusts: during a rotation the old
 * and the new key, each from its own armored file. A revoked key is not trusted.
 */
public final class TrustedSigners {
    private final List<PGPPublicKey> keys;

    private TrustedSigners(List<PGPPublicKey> keys) {
        this.keys = List.copyOf(keys);
    }

    public static TrustedSigners load(List<Path> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("amyterm.verifier.signing.public-key-files names no key: the verifier "
                    + "trusts no manifest without one");
        }
        List<PGPPublicKey> keys = new ArrayList<>();
        for (Path file : files) {
            try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(file))) {
                PGPPublicKeyRingCollection rings = new PGPPublicKeyRingCollection(in, new JcaKeyFingerprintCalculator());
                for (Iterator<PGPPublicKeyRing> r = rings.getKeyRings(); r.hasNext();) {
                    for (Iterator<PGPPublicKey> k = r.next().getPublicKeys(); k.hasNext();) {
                        PGPPublicKey key = k.next();
                        if (!key.hasRevocation()) {
                            keys.add(key);
                        }
                    }
                }
            } catch (IOException | PGPException e) {
                throw new IllegalArgumentException("cannot read the signing public key " + file
                        + " (amyterm.verifier.signing.public-key-files): " + e.getMessage(), e);
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no usable key in " + files + " (amyterm.verifier.signing.public-key-files)");
        }
        return new TrustedSigners(keys);
    }

    Optional<PGPPublicKey> byKeyId(long keyId) {
        return keys.stream().filter(k -> k.getKeyID() == keyId).findFirst();
    }

    Optional<PGPPublicKey> byFingerprint(byte[] fingerprint) {
        return keys.stream().filter(k -> java.util.Arrays.equals(k.getFingerprint(), fingerprint)).findFirst();
    }

    static String fingerprint(PGPPublicKey key) {
        return HexFormat.of().withUpperCase().formatHex(key.getFingerprint());
    }

    @Override
    public String toString() {
        return "TrustedSigners" + keys.stream().map(TrustedSigners::fingerprint).toList();
    }
}
