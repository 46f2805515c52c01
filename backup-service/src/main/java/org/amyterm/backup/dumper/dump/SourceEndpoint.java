package org.amyterm.backup.dumper.dump;

import java.util.Optional;

/** Where and as whom to connect to the source server. {@code toString} leaves the password out. */
record SourceEndpoint(String host, int port, String user, Optional<String> password) {

    /** The database name is URL-encoded: pgjdbc decodes it, so no character of it can add a URL parameter. */
    String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/"
                + java.net.URLEncoder.encode(database, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "SourceEndpoint[" + user + "@" + host + ":" + port + ", password=" + (password.isPresent() ? "***" : "none") + "]";
    }
}
