package org.amyterm.backup.objectstore;

import java.util.List;
import java.util.Optional;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.openpgp.DetachedSigner;
import org.amyterm.backup.openpgp.SigningKey;
import org.amyterm.backup.openpgp.TrustedKeys;
import org.amyterm.backup.testsupport.GpgKey;
import org.amyterm.backup.testsupport.TestDirs;

/**
 * A storage key for manifests and a verifier key for evidence, made once per test JVM with gpg as an
 * operator would, and a third key nobody trusts: what the catalogue's tests write signed files with.
 */
final class SignedFiles {
    static final SignedFiles KEYS = new SignedFiles();

    final GpgKey manifestKey;
    final GpgKey evidenceKey;
    private final DetachedSigner manifests;
    private final DetachedSigner evidence;
    final DetachedSigner stranger;

    private SignedFiles() {
        manifestKey = GpgKey.generateSigning(TestDirs.server("catalogue-manifest-signer"));
        evidenceKey = GpgKey.generateSigning(TestDirs.server("catalogue-evidence-signer"));
        manifests = signer(manifestKey);
        evidence = signer(evidenceKey);
        stranger = signer(GpgKey.generateSigning(TestDirs.server("catalogue-stranger")));
    }

    private static DetachedSigner signer(GpgKey key) {
        return new DetachedSigner(SigningKey.load(key.secretKey(), Optional.empty(), "test"));
    }

    CatalogueTrust trust(ObjectLayout layout) {
        return new CatalogueTrust(TrustedKeys.load(List.of(manifestKey.publicKey()), "manifest-key-files"),
                TrustedKeys.load(List.of(evidenceKey.publicKey()), "evidence-key-files"), layout);
    }

    /** Writes {@code value} as compact JSON at {@code key}, signed by the manifest key. */
    void manifest(ObjectStore store, String key, Object value) {
        put(store, key, EventJson.write(value), manifests);
    }

    /** Writes {@code value} as compact JSON at {@code key}, signed by the evidence key. */
    void evidence(ObjectStore store, String key, Object value) {
        put(store, key, EventJson.write(value), evidence);
    }

    static void put(ObjectStore store, String key, String text, DetachedSigner signer) {
        store.putText(key, text);
        store.putText(ObjectLayout.signatureKey(key), signer.sign(text));
    }
}
