package org.amyterm.backup.verifier.trust;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.amyterm.backup.openpgp.TrustedKeys;
import org.amyterm.backup.verifier.config.VerifierConfig;

/** The trusted signing keys, read at start-up: a missing or unreadable key file stops the service with its reason. */
@ApplicationScoped
public class TrustProducer {

    @Produces
    @Singleton
    @Startup
    TrustedManifestSigners signers(VerifierConfig config) {
        return new TrustedManifestSigners(TrustedKeys.load(config.signing().publicKeyFiles(),
                "amyterm.verifier.signing.public-key-files"));
    }
}
