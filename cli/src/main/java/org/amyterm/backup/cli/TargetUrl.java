package org.amyterm.backup.cli;

import java.net.URI;

/** {@code postgresql://USER@HOST:PORT}: where to restore, as whom. A password in it is refused, never used. */
record TargetUrl(String user, String host, int port) {

    static TargetUrl parse(URI url) {
        if (!"postgresql".equals(url.getScheme()) && !"postgres".equals(url.getScheme())) {
            throw new CliException(ExitCode.USAGE, "--target-url must look like postgresql://USER@HOST:PORT");
        }
        String userInfo = url.getUserInfo();
        if (userInfo == null || userInfo.isBlank()) {
            throw new CliException(ExitCode.USAGE, "--target-url names no user: postgresql://USER@HOST:PORT");
        }
        if (userInfo.contains(":")) {
            throw new CliException(ExitCode.USAGE, "--target-url holds a password: it would stand on the command line "
                    + "and in the shell history. Put it in PGPASSWORD or PGPASSFILE instead");
        }
        if (url.getHost() == null) {
            throw new CliException(ExitCode.USAGE, "--target-url names no host: postgresql://USER@HOST:PORT");
        }
        return new TargetUrl(userInfo, url.getHost(), url.getPort() < 0 ? 5432 : url.getPort());
    }
}
