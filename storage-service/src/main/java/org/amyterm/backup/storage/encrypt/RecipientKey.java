package org.amyterm.backup.storage.encrypt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Optional;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;

/**
 * An OpenPGP public key backups are encrypted to: the first encryption-capable key of an armored
 * key file that is neither revoked nor expired. The storage service holds only public keys; it
 * cannot read what it writes.
 */
public record RecipientKey(PGPPublicKey key, String fingerprint) {

    public static RecipientKey load(Path file) {
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(file))) {
            PGPPublicKeyRingCollection rings = new PGPPublicKeyRingCollection(in, new JcaKeyFingerprintCalculator());
            String unusable = "";
            for (Iterator<PGPPublicKeyRing> r = rings.getKeyRings(); r.hasNext();) {
                PGPPublicKeyRing ring = r.next();
                if (ring.getPublicKey().hasRevocation()) {
                    unusable = "; its primary key is revoked";
                    continue;
                }
                for (Iterator<PGPPublicKey> k = ring.getPublicKeys(); k.hasNext();) {
                    PGPPublicKey key = k.next();
                    if (!key.isEncryptionKey() || !flaggedForEncryption(key)) {
                        continue;
                    }
                    Optional<Instant> expiry = expiry(key);
                    if (key.hasRevocation()) {
                        unusable = "; its encryption key is revoked";
                    } else if (expiry.isPresent() && expiry.get().isBefore(Instant.now())) {
                        unusable = "; its encryption key expired on " + expiry.get();
                    } else {
                        return new RecipientKey(key, HexFormat.of().withUpperCase().formatHex(key.getFingerprint()));
                    }
                }
            }
            throw new IllegalArgumentException("no usable encryption key in " + file
                    + " (a key or subkey with the encrypt usage flag, not revoked or expired, is needed" + unusable + ")");
        } catch (IOException | PGPException e) {
            throw new IllegalArgumentException("cannot read the OpenPGP public key " + file + ": " + e.getMessage(), e);
        }
    }

    private static Optional<Instant> expiry(PGPPublicKey key) {
        long seconds = key.getValidSeconds();
        return seconds > 0 ? Optional.of(key.getCreationTime().toInstant().plusSeconds(seconds)) : Optional.empty();
    }

    /** The key's self-signatures allow encryption: a certify-only primary key is never a recipient. */
    private static boolean flaggedForEncryption(PGPPublicKey key) {
        for (Iterator<PGPSignature> it = key.getSignatures(); it.hasNext();) {
            PGPSignatureSubpacketVector hashed = it.next().getHashedSubPackets();
            if (hashed != null && (hashed.getKeyFlags() & (KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE)) != 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "RecipientKey[" + fingerprint + "]";
    }
}
