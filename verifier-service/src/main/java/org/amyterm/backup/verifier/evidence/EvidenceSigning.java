package org.amyterm.backup.verifier.evidence;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.amyterm.backup.openpgp.DetachedSigner;
import org.amyterm.backup.openpgp.SigningKey;
import org.amyterm.backup.verifier.config.VerifierConfig;

/** The evidence signer, made at start-up: a missing or unusable key stops the service with its reason. */
@ApplicationScoped
public class EvidenceSigning {

    @Produces
    @Singleton
    @Startup
    @Named("evidence")
    DetachedSigner signer(VerifierConfig config) {
        return new DetachedSigner(SigningKey.load(config.evidence().signingKeyFile(),
                config.evidence().signingPassphraseFile(), "amyterm.verifier.evidence.signing-key-file"));
    }
}
