package org.amyterm.backup.openpgp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;

/**
 * Public keys trusted to sign one kind of document (the storage services' manifests, the
 * verifiers' evidence): during a rotation the old and the new key, each from its own armored file.
 * A revoked key is not trusted.
 */
public final class TrustedKeys {
    private final List<PGPPublicKey> keys;
    /** The setting that names the files, for the messages. */
    private final String property;

    private TrustedKeys(List<PGPPublicKey> keys, String property) {
        this.keys = List.copyOf(keys);
        this.property = property;
    }

    /** {@code property}: the setting that names {@code files}, for the messages. */
    public static TrustedKeys load(List<Path> files, String property) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException(property + " names no key: nothing signed could be trusted without one");
        }
        List<PGPPublicKey> keys = new ArrayList<>();
        for (Path file : files) {
            try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(file))) {
                PGPPublicKeyRingCollection rings = new PGPPublicKeyRingCollection(in, new org.bouncycastle.openpgp.operator
                        .jcajce.JcaKeyFingerprintCalculator());
                for (Iterator<PGPPublicKeyRing> r = rings.getKeyRings(); r.hasNext();) {
                    for (Iterator<PGPPublicKey> k = r.next().getPublicKeys(); k.hasNext();) {
                        PGPPublicKey key = k.next();
                        if (!key.hasRevocation()) {
                            keys.add(key);
                        }
                    }
                }
            } catch (IOException | PGPException e) {
                throw new IllegalArgumentException("cannot read the public key " + file + " (" + property + "): "
                        + e.getMessage(), e);
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no usable key in " + files + " (" + property + ")");
        }
        return new TrustedKeys(keys, property);
    }

    /** Trusts only the public half of a service's own signing key (a service checking what it signed itself). */
    public static TrustedKeys of(SigningKey own, String property) {
        return new TrustedKeys(List.of(own.publicKey()), property);
    }

    /** These keys and {@code others}' (an own key and the keys of a rotation, say). */
    public TrustedKeys and(TrustedKeys others) {
        List<PGPPublicKey> all = new ArrayList<>(keys);
        others.keys.stream().filter(k -> all.stream().noneMatch(a -> Arrays.equals(a.getFingerprint(), k.getFingerprint())))
                .forEach(all::add);
        return new TrustedKeys(all, property + " and " + others.property);
    }

    public String property() {
        return property;
    }

    Optional<PGPPublicKey> byKeyId(long keyId) {
        return keys.stream().filter(k -> k.getKeyID() == keyId).findFirst();
    }

    Optional<PGPPublicKey> byFingerprint(byte[] fingerprint) {
        return keys.stream().filter(k -> Arrays.equals(k.getFingerprint(), fingerprint)).findFirst();
    }

    static String fingerprint(PGPPublicKey key) {
        return HexFormat.of().withUpperCase().formatHex(key.getFingerprint());
    }

    @Override
    public String toString() {
        return "TrustedKeys" + keys.stream().map(TrustedKeys::fingerprint).toList();
    }
}
