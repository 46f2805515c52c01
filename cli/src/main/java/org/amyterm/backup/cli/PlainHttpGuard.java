package org.amyterm.backup.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Keeps secrets (the API token, a restore target's password) off plain HTTP: over {@code http://}
 * anyone on the path reads them. Loopback is allowed (the local stack); any other host needs
 * {@code https://}, or {@code --allow-plain-http}, which sends them anyway and says so on stderr.
 */
final class PlainHttpGuard {
    private final boolean allowed;
    private final PrintWriter err;
    private boolean warned;

    PlainHttpGuard(boolean allowed, PrintWriter err) {
        this.allowed = allowed;
        this.err = err;
    }

    /** Throws (usage, exit 2) before a secret would go to {@code uri} over plain HTTP; warns once if allowed. */
    void check(URI uri, String secret) {
        if (!"http".equalsIgnoreCase(uri.getScheme()) || isLoopback(uri.getHost())) {
            return;
        }
        if (!allowed) {
            throw new CliException(ExitCode.USAGE, "refusing to send " + secret + " to " + uri.getHost()
                    + " over plain HTTP, where anyone on the way can read it: use an https:// URL (docs/deployment.md"
                    + "#api-access), or --allow-plain-http to send it anyway");
        }
        if (!warned) {
            warned = true;
            err.println("amyterm-backup: WARNING: sending " + secret + " to " + uri.getHost()
                    + " over plain HTTP (--allow-plain-http): anyone on the network path can read it");
        }
    }

    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String name = host.toLowerCase(Locale.ROOT);
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return true;
        }
        if (!name.matches("[0-9.]+|\\[?[0-9a-f:]+\\]?")) {
            return false; // a name is not resolved here: what it resolves to may change
        }
        try {
            return InetAddress.getByName(name.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
