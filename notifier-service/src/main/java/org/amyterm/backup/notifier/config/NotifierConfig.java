package org.amyterm.backup.notifier.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.util.Optional;

/** Configuration of the notifier service; every property is described in docs/configuration.md. */
@ConfigMapping(prefix = "amyterm.notifier")
public interface NotifierConfig {

    Webhook webhook();

    interface Webhook {
        /** Where alerts and verifications are POSTed as JSON; empty means they are only logged. */
        Optional<URI> url();

        /** Also post passing verifications, not only failures. */
        @WithDefault("true")
        boolean includeVerifications();
    }
}
