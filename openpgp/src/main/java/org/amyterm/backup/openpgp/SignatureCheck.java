package org.amyterm.backup.openpgp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.bouncycastle.bcpg.sig.IssuerFingerprint;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;

/**
 * Checks a detached, armored OpenPGP signature ({@code FILE.sig}, as {@link DetachedSigner} writes
 * and {@code gpg --verify} reads) over a document's exact UTF-8 bytes, against {@link TrustedKeys}.
 */
public final class SignatureCheck {
    /** An armored detached signature is a few hundred bytes; anything much larger is not one. */
    public static final int MAX_SIGNATURE_BYTES = 16 * 1024;

    private final TrustedKeys keys;

    public SignatureCheck(TrustedKeys keys) {
        this.keys = keys;
    }

    /** The signer's fingerprint; throws {@link Untrusted} saying why the document may not be trusted. */
    public String signer(String document, Optional<String> signature, String fileName) {
        if (signature.isEmpty()) {
            throw new Untrusted(fileName + " has no signature (" + fileName + ".sig is missing)");
        }
        PGPSignature sig = parse(signature.get(), fileName);
        PGPPublicKey key = signerOf(sig).orElseThrow(() -> new Untrusted(fileName + " is signed by key "
                + Long.toHexString(sig.getKeyID()).toUpperCase() + ", which is not in " + keys.property()));
        try {
            sig.init(new JcaPGPContentVerifierBuilderProvider().setProvider(DetachedSigner.BC), key);
            sig.update(document.getBytes(StandardCharsets.UTF_8));
            if (sig.getSignatureType() != PGPSignature.BINARY_DOCUMENT || !sig.verify()) {
                throw new Untrusted(fileName + " was changed after it was signed by " + TrustedKeys.fingerprint(key)
                        + " (its signature does not match)");
            }
            return TrustedKeys.fingerprint(key);
        } catch (PGPException e) {
            throw new Untrusted(fileName + "'s signature cannot be checked: " + e.getMessage());
        }
    }

    /** Whether the document verifies (a quiet {@link #signer}). */
    public boolean verifies(String document, Optional<String> signature) {
        try {
            signer(document, signature, "document");
            return true;
        } catch (Untrusted e) {
            return false;
        }
    }

    private Optional<PGPPublicKey> signerOf(PGPSignature sig) {
        IssuerFingerprint issuer = sig.getHashedSubPackets() == null ? null
                : sig.getHashedSubPackets().getIssuerFingerprint();
        return issuer != null ? keys.byFingerprint(issuer.getFingerprint()) : keys.byKeyId(sig.getKeyID());
    }

    private static PGPSignature parse(String armored, String fileName) {
        if (armored.length() <= MAX_SIGNATURE_BYTES) {
            try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(
                    armored.getBytes(StandardCharsets.US_ASCII)))) {
                Object first = new JcaPGPObjectFactory(in).nextObject();
                if (first instanceof PGPSignatureList list && !list.isEmpty()) {
                    return list.get(0);
                }
            } catch (IOException | RuntimeException e) {
                // not a signature at all: refused below
            }
        }
        throw new Untrusted(fileName + ".sig is not an OpenPGP signature");
    }

    /** The document is unsigned, changed after signing, or signed by a key that is not trusted. */
    public static final class Untrusted extends RuntimeException {
        public Untrusted(String message) {
            super(message);
        }
    }
}
