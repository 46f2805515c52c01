package org.amyterm.backup.verifier.trust;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.bouncycastle.bcpg.sig.IssuerFingerprint;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;

/**
 * Decides whether a manifest may be trusted, before anything of its backup is read or restored:
 * it must carry a detached signature, over its exact bytes, by a trusted signing key. A backup in
 * the bucket is otherwise only as trustworthy as everyone who can write there, and restoring a
 * forged archive as a superuser runs its SQL on the staging server.
 */
@ApplicationScoped
public class ManifestTrust {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private final TrustedSigners signers;

    public ManifestTrust(TrustedSigners signers) {
        this.signers = signers;
    }

    /** Returns the signer's fingerprint; throws MANIFEST_UNTRUSTED (a verdict, never retried) otherwise. */
    public String check(String backupId, String database, Stage stage, String manifest, Optional<String> signature) {
        if (signature.isEmpty()) {
            throw untrusted(backupId, database, stage, "the manifest has no signature (manifest.json.sig is missing)");
        }
        PGPSignature sig = parse(backupId, database, stage, signature.get());
        PGPPublicKey key = signerOf(sig).orElseThrow(() -> untrusted(backupId, database, stage,
                "the manifest is signed by key " + Long.toHexString(sig.getKeyID()).toUpperCase()
                        + ", which is not in amyterm.verifier.signing.public-key-files"));
        try {
            sig.init(new JcaPGPContentVerifierBuilderProvider().setProvider(BC), key);
            sig.update(manifest.getBytes(StandardCharsets.UTF_8));
            if (sig.getSignatureType() != PGPSignature.BINARY_DOCUMENT || !sig.verify()) {
                throw untrusted(backupId, database, stage, "the manifest was changed after it was signed by "
                        + TrustedSigners.fingerprint(key) + " (its signature does not match)");
            }
            return TrustedSigners.fingerprint(key);
        } catch (PGPException e) {
            throw untrusted(backupId, database, stage, "the manifest's signature cannot be checked: " + e.getMessage());
        }
    }

    private Optional<PGPPublicKey> signerOf(PGPSignature sig) {
        IssuerFingerprint issuer = sig.getHashedSubPackets() == null ? null
                : sig.getHashedSubPackets().getIssuerFingerprint();
        if (issuer != null) {
            return signers.byFingerprint(issuer.getFingerprint());
        }
        return signers.byKeyId(sig.getKeyID());
    }

    private static PGPSignature parse(String backupId, String database, Stage stage, String armored) {
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armored.getBytes(StandardCharsets.US_ASCII)))) {
            Object first = new JcaPGPObjectFactory(in).nextObject();
            if (first instanceof PGPSignatureList list && !list.isEmpty()) {
                return list.get(0);
            }
        } catch (IOException | RuntimeException e) {
            // not a signature at all: refused below
        }
        throw untrusted(backupId, database, stage, "manifest.json.sig is not an OpenPGP signature");
    }

    private static StageException untrusted(String backupId, String database, Stage stage, String why) {
        return new StageException(backupId, database, stage, FailureReason.MANIFEST_UNTRUSTED, why
                + ": nothing of this backup was restored; find out who wrote it before using it");
    }
}
