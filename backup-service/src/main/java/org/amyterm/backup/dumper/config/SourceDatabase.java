package org.amyterm.backup.dumper.config;

import java.util.List;
import java.util.Optional;
import org.amyterm.backup.contracts.NodeRole;

/**
 * A database to back up with its settings (see {@code amyterm.backup.databases.<name>.*}).
 * {@code cron} is empty when its schedule is off.
 */
public record SourceDatabase(String name, SourceServer server, Optional<NodeRole> nodeRole, Optional<String> cron,
        java.time.Duration rpo, java.time.Duration rto, String retentionClass, String checkProfile, List<String> excludeSchemas,
        List<String> excludeTables) {

    public SourceDatabase {
        excludeSchemas = List.copyOf(excludeSchemas);
        excludeTables = List.copyOf(excludeTables);
    }
}
