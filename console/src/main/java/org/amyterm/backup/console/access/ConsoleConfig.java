package org.amyterm.backup.console.access;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The console's own settings (docs/configuration.md#console). */
@ConfigMapping(prefix = "amyterm.console")
public interface ConsoleConfig {
    Session session();

    Catalogue catalogue();

    IdentityProvider identityProvider();

    interface IdentityProvider {
        /**
         * The provider's name on the sign-in page ("Sign in with …"); the button shows only where
         * Quarkus OIDC is enabled ({@code quarkus.oidc.tenant-enabled}, docs/deployment.md#console).
         */
        @WithDefault("your identity provider")
        String name();
    }

    interface Catalogue {
        /**
         * How old the overview's picture of the bucket may be before the next page lists it again
         * (each page says as of when): listing every database's folders for every visitor would cost
         * a second at 200 databases.
         */
        @WithDefault("15s")
        java.time.Duration maxAge();
    }

    interface Session {
        /**
         * Whether the session cookie is sent over HTTPS only. On by default; off only where the
         * console is reached over plain HTTP on this host (the local stack).
         */
        @WithDefault("true")
        boolean secureCookie();
    }
}
