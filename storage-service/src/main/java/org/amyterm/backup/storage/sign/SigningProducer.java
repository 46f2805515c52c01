package org.amyterm.backup.storage.sign;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.amyterm.backup.openpgp.DetachedSigner;
import org.amyterm.backup.objectstore.ObjectStoreConfig;
import org.amyterm.backup.openpgp.SignatureCheck;
import org.amyterm.backup.openpgp.SigningKey;
import org.amyterm.backup.openpgp.TrustedKeys;
import org.amyterm.backup.storage.config.StorageConfig;

/** The manifest signer, made at start-up: a missing or unusable signing key stops the service with its reason. */
@ApplicationScoped
public class SigningProducer {

    @Produces
    @Singleton
    @Startup
    DetachedSigner signer(StorageConfig config) {
        return new DetachedSigner(SigningKey.load(config.signing().secretKeyFile(), config.signing().passphraseFile(),
                "amyterm.storage.signing.secret-key-file"));
    }

    /**
     * The keys a manifest already in the bucket must be signed by before storing trusts it (and
     * deletes a spool file on its word): this service's own and those of the catalogue (a rotation).
     */
    @Produces
    @Singleton
    StoredManifestCheck storedManifests(DetachedSigner signer, ObjectStoreConfig store) {
        return new StoredManifestCheck(new SignatureCheck(signer.ownKey("amyterm.storage.signing.secret-key-file")
                .and(TrustedKeys.load(store.trust().manifestKeyFiles(), "amyterm.store.trust.manifest-key-files"))));
    }
}
