package org.amyterm.backup.verifier.trust;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.amyterm.backup.verifier.config.VerifierConfig;

/** The trusted signing keys, read at start-up: a missing or unreadable key file stops the service with its reason. */
@ApplicationScoped
public class TrustProducer {

    @Produces
    @Singleton
    @Startup
    TrustedSigners signers(VerifierConfig config) {
        return TrustedSigners.load(config.signing().publicKeyFiles());
    }
}
