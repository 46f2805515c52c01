package org.amyterm.backup.storage.sign;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.amyterm.backup.openpgp.DetachedSigner;
import org.amyterm.backup.openpgp.SigningKey;
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
}
