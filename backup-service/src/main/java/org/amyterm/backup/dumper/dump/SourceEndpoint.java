package org.amyterm.backup.dumper.dump;

import java.util.Optional;

/** Where and as whom to connect to the source server. {@code toString} leaves the password out. */
record SourceEndpoint(String host, int port, String user, Optional<String> password) {

    String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return "SourceEndpoint[" + user + "@" + host + ":" + port + ", password=" + (password.isPresent() ? "***" : "none") + "]";
    }
}
