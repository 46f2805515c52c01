package org.amyterm.backup.verifier.restore;

import java.util.List;
import java.util.Optional;

/**
 * A database pg_restore writes into: its server, the role to log in as (its password, never
 * printed), the database, and pg_restore options of this kind of restore (a staging copy drops
 * privileges; an operator restore keeps them and sets the role).
 */
public record PgTarget(String host, int port, String user, Optional<String> password, String database,
        List<String> options) {

    public PgTarget {
        options = List.copyOf(options);
    }

    /**
     * Whether pg_restore restores only the entries of a list ({@code --use-list}): it may stop
     * reading the archive once it has them all, which is no failure.
     */
    public boolean chosenEntriesOnly() {
        return options.stream().anyMatch(o -> o.startsWith("--use-list="));
    }

    @Override
    public String toString() {
        return "PgTarget[" + user + "@" + host + ":" + port + "/" + database + ", password ***]";
    }
}
