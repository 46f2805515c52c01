package org.amyterm.backup.verifier.operator;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The host of a restore target as a request names it: a DNS name, an IPv4 address or an IPv6
 * literal (with or without brackets), and nothing else. It goes into a JDBC URL and onto
 * pg_restore's command line, where a {@code /}, {@code ?} or {@code &} would add a database or
 * driver parameters of the requester's choosing (pgjdbc's {@code socketFactory} loads a class).
 */
final class TargetHost {
    private static final Pattern NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private TargetHost() {
    }

    /** The host as libpq takes it (an IPv6 literal without brackets), or empty if it is no host. */
    static Optional<String> parse(String host) {
        if (host == null) {
            return Optional.empty();
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.contains(":")) {
            return IPV6.matcher(bare).matches() ? Optional.of(bare) : Optional.empty();
        }
        return host.equals(bare) && NAME.matcher(bare).matches() ? Optional.of(bare) : Optional.empty();
    }

    /** The host as it goes into a JDBC URL: an IPv6 literal in brackets. */
    static String inUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
