package org.amyterm.backup.openpgp;

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
 * Signs a document (a manifest, a verification's evidence) with a service's key: a detached,
 * armored OpenPGP signature of its exact UTF-8 bytes, which {@code gpg --verify FILE.sig FILE}
 * checks. Whoever can write to the bucket but does not hold this key cannot make a document that
 * passes for the service's.
 */
public final class DetachedSigner {
    static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private final SigningKey key;

    public DetachedSigner(SigningKey key) {
        this.key = key;
    }

    public String fingerprint() {
        return key.fingerprint();
    }

    /** The public half of this signer's key, as the only trusted key (to check what this service signed). */
    public TrustedKeys ownKey(String property) {
        return TrustedKeys.of(key, property);
    }

    /** The armored detached signature of {@code document}'s UTF-8 bytes. */
    public String sign(String document) {
        try {
            PGPSignatureGenerator generator = new PGPSignatureGenerator(
                    new JcaPGPContentSignerBuilder(key.publicKey().getAlgorithm(), HashAlgorithmTags.SHA256).setProvider(BC),
                    key.publicKey());
            generator.init(PGPSignature.BINARY_DOCUMENT, key.privateKey());
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(true, new Date());
            hashed.setIssuerFingerprint(false, key.publicKey());
            generator.setHashedSubpackets(hashed.generate());
            generator.update(document.getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ArmoredOutputStream armored = new ArmoredOutputStream(out)) {
                generator.generate().encode(armored);
            }
            return out.toString(StandardCharsets.US_ASCII);
        } catch (PGPException | IOException e) {
            throw new IllegalStateException("signing with " + key + " failed: " + e.getMessage(), e);
        }
    }
}
