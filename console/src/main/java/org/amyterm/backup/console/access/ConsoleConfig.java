package org.amyterm.backup.console.access;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The console's own settings (docs/configuration.md#console). */
@ConfigMapping(prefix = "amyterm.console")
public interface ConsoleConfig {
    Session session();

    Catalogue catalogue();

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
