package org.amyterm.backup.dumper.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Configuration of the backup service; every property is described in docs/configuration.md. */
@ConfigMapping(prefix = "amyterm.backup")
public interface BackupConfig {

    Source source();

    Spool spool();

    Schedule schedule();

    Dump dump();

    Requests requests();

    /** Requests read off {@code backup.requests}. */
    interface Requests {
        /**
         * A request that reaches the consumer later than this after it was made is refused and
         * reported, not run: a replay (a new consumer group, an offset reset) never dumps production
         * for requests nobody is waiting for any more.
         */
        @WithDefault("1h")
        Duration staleAfter();
    }

    /** The PostgreSQL server whose databases are backed up. */
    interface Source {
        @WithDefault("127.0.0.1")
        String host();

        @WithDefault("5432")
        int port();

        @WithDefault("postgres")
        String user();

        /**
         * The password; set it through the environment (PGPASSWORD), never on a command line.
         * Empty means PGPASSFILE or ~/.pgpass supplies it.
         */
        Optional<String> password();

        /** The databases the schedule backs up, and the only ones a request may name. */
        List<String> databases();
    }

    interface Spool {
        /** Where plaintext dumps wait for the storage service; created with mode 0700. */
        @WithDefault("/var/spool/amyterm-backup")
        Path dir();
    }

    interface Schedule {
        /** Quartz-style cron expression (seconds first) for the daily full backup; "off" disables it. */
        @WithDefault("0 30 1 * * ?")
        String cron();
    }

    interface Dump {
        /** zstd level for the spool (1 is fastest; see NOTES measurements). */
        @WithDefault("1")
        int zstdLevel();

        /** A dump that takes longer is stopped and reported as failed. */
        @WithDefault("6h")
        Duration timeout();

        /** SQL returning the application's schema version (one row, one column); empty to skip. */
        @WithDefault("SELECT version FROM schema_version ORDER BY applied_at DESC, version DESC LIMIT 1")
        String schemaVersionQuery();

        /** SQL returning this node's federation role (central / regional); empty to skip. */
        @WithDefault("SELECT role FROM federation_node WHERE is_self LIMIT 1")
        String nodeRoleQuery();

        /** Directory of the PostgreSQL client binaries; empty means the PATH. */
        Optional<Path> pgBinDir();
    }
}
