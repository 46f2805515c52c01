package org.amyterm.backup.messaging;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Says at start-up when no key to verify API tokens is configured: the REST API then refuses every
 * call with 401 (closed, never open), while the pipeline itself runs on. Without this line an
 * operator would see only 401s and no reason.
 */
@ApplicationScoped
public class ApiAccessCheck {
    private static final Logger LOG = Logger.getLogger(ApiAccessCheck.class);

    void onStart(@Observes StartupEvent start, Config config) {
        if (LaunchMode.current() == LaunchMode.DEVELOPMENT) {
            return;
        }
        Optional<String> location = config.getOptionalValue("mp.jwt.verify.publickey.location", String.class);
        Optional<String> inline = config.getOptionalValue("mp.jwt.verify.publickey", String.class);
        if (location.isEmpty() && inline.isEmpty()) {
            LOG.warn("no key to verify API tokens is configured (MP_JWT_VERIFY_PUBLICKEY_LOCATION: a PEM public key "
                    + "or your identity provider's JWKS URL): every REST API call will be refused with 401; "
                    + "see docs/deployment.md#api-access");
        } else if (config.getOptionalValue("mp.jwt.verify.issuer", String.class).isEmpty()) {
            LOG.warn("MP_JWT_VERIFY_ISSUER is not set: API tokens are accepted from any issuer the key signs for");
        }
    }
}
