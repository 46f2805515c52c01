package org.amyterm.backup.storage.sign;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;

/**
 * Signs {@code manifest.json} with the storage service's key: a detached, armored OpenPGP
 * signature of its exact bytes, which {@code gpg --verify manifest.json.sig manifest.json} checks.
 * Whoever can write to the bucket but does not hold this key cannot make a manifest the verifier
 * (or a restore) trusts.
 */
public final class ManifestSigner {
    static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private final SigningKey key;

    public ManifestSigner(SigningKey key) {
        this.key = key;
    }

    public String fingerprint() {
        return key.fingerprint();
    }

    /** The armored detached signature of {@code manifest}, as UTF-8 bytes. */
    public String sign(String manifest) {
        try {
            PGPSignatureGenerator generator = new PGPSignatureGenerator(
                    new JcaPGPContentSignerBuilder(key.publicKey().getAlgorithm(), HashAlgorithmTags.SHA256).setProvider(BC),
                    key.publicKey());
            generator.init(PGPSignature.BINARY_DOCUMENT, key.privateKey());
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(true, new Date());
            hashed.setIssuerFingerprint(false, key.publicKey());
            generator.setHashedSubpackets(hashed.generate());
            generator.update(manifest.getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ArmoredOutputStream armored = new ArmoredOutputStream(out)) {
                generator.generate().encode(armored);
            }
            return out.toString(StandardCharsets.US_ASCII);
        } catch (PGPException | IOException e) {
            throw new IllegalStateException("signing the manifest with " + key + " failed: " + e.getMessage(), e);
        }
    }
}
