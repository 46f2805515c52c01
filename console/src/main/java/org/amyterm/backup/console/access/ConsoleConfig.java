package org.amyterm.backup.console.access;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The console's own settings (docs/configuration.md#console). */
@ConfigMapping(prefix = "amyterm.console")
public interface ConsoleConfig {
    Session session();

    interface Session {
        /**
         * Whether the session cookie is sent over HTTPS only. On by default; off only where the
         * console is reached over plain HTTP on this host (the local stack).
         */
        @WithDefault("true")
        boolean secureCookie();
    }
}
