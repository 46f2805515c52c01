package org.amyterm.backup.dumper.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration of the backup service; every property is described in docs/configuration.md.
 * Databases come in two forms: {@code source.*} (one server, its databases with the defaults) and
 * {@code servers.<name>.*} with {@code databases.<name>.*} (each database its own settings).
 * {@link SourceDatabases} checks both at start-up.
 */
@ConfigMapping(prefix = "amyterm.backup")
public interface BackupConfig {

    Source source();

    /** PostgreSQL servers by a name of the operator's choosing; databases name theirs. */
    Map<String, Server> servers();

    /** Databases to back up, by database name. */
    Map<String, Database> databases();

    Spool spool();

    Schedule schedule();

    Dump dump();

    Requests requests();

    /** Dumps that failed for a reason that may pass (unreachable server, lock wait, pg_dump error, spool). */
    org.amyterm.backup.messaging.RetryWindow.Settings retry();

    /** The one-server form: a server named {@code default}. */
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

        /** Databases on this server, each with the defaults of {@code databases.<name>.*}. */
        Optional<List<String>> databases();

        /** Dumps of this server's databases at once (per replica). */
        @WithDefault("1")
        int maxConcurrentDumps();

        /** Check profile of these databases' restore tests: {@code generic} or {@code amyterm}. */
        @WithDefault("generic")
        String checkProfile();
    }

    /** One PostgreSQL server. The password comes from a file, an environment variable or PGPASSFILE. */
    interface Server {
        String host();

        @WithDefault("5432")
        int port();

        String user();

        /** A file holding the password (a mounted secret); read at each connection, so a rotated one is used. */
        Optional<Path> passwordFile();

        /** The name of an environment variable holding the password. */
        Optional<String> passwordEnv();

        /** Dumps of this server's databases at once (per replica). */
        @WithDefault("1")
        int maxConcurrentDumps();
    }

    /** One database to back up. */
    interface Database {
        /** The name of its server under {@code servers}; may be left out when one server is configured. */
        Optional<String> server();

        /** central or regional; unset means read by {@code dump.node-role-query} at each dump. */
        Optional<String> nodeRole();

        /** Quartz cron (seconds first) of its scheduled backup; unset means {@code schedule.cron}; {@code off} disables it. */
        Optional<String> schedule();

        /**
         * Recovery point objective: how old its newest stored backup may grow before that is an
         * incident (recorded in the manifest, for the watchdog and dashboards).
         */
        @WithDefault(org.amyterm.backup.contracts.RecoveryObjectives.DEFAULT_RPO)
        Duration rpo();

        /**
         * Recovery time objective: how long restoring it may take (recorded in the manifest; each
         * restore test's evidence compares its measured restore time with it).
         */
        @WithDefault(org.amyterm.backup.contracts.RecoveryObjectives.DEFAULT_RTO)
        Duration rto();

        /** Retention class of its scheduled backups (recorded in the manifest); the storage service's rules apply to it. */
        @WithDefault("daily")
        String retentionClass();

        /** Check profile of its restore test (recorded in the manifest): {@code generic} or {@code amyterm}. */
        @WithDefault("generic")
        String checkProfile();

        /** Schemas left out of the dump (pg_dump patterns: letters, digits, _ and the wildcards * ?). */
        Optional<List<String>> excludeSchemas();

        /** Tables left out of the dump ({@code schema.table}, the same patterns). */
        Optional<List<String>> excludeTables();
    }

    interface Spool {
        /** Where plaintext dumps wait for the storage service; created with mode 0700. */
        @WithDefault("/var/spool/amyterm-backup")
        Path dir();

        /** The most all files on the spool may hold together; unset means the disk's free space is the limit. */
        Optional<Long> maxBytes();

        /**
         * A dump starts only if the spool has room for this fraction of the database's size (what
         * {@code pg_database_size} says); a zstd-compressed custom-format dump is usually far smaller.
         */
        @WithDefault("0.3")
        double estimateFraction();

        /** A partial dump file this much older than its last write, found at start-up, is an orphan of a crash. */
        @WithDefault("10m")
        Duration orphanAge();
    }

    interface Schedule {
        /** Quartz-style cron expression (seconds first) of each database's daily full backup; "off" disables it. */
        @WithDefault("0 30 1 * * ?")
        String cron();

        /**
         * Scheduled requests are spread over this window after the cron time, each database at its
         * own fixed offset (the same on every replica), so many databases do not start at once.
         */
        @WithDefault("5m")
        Duration jitter();
    }

    interface Dump {
        /** zstd level for the spool: 1, as measured in docs/performance.md (negative levels were no faster here). */
        @WithDefault("1")
        int zstdLevel();

        /** A dump that takes longer is stopped and reported as failed. */
        @WithDefault("6h")
        Duration timeout();

        /**
         * How long pg_dump (its {@code --lock-wait-timeout}) and the row counts wait for a table lock
         * held by someone else (a long ALTER TABLE, say) before the dump fails as retryable.
         */
        @WithDefault("5m")
        Duration lockWaitTimeout();

        /** How long connecting to the source server may take. */
        @WithDefault("10s")
        Duration connectTimeout();

        Sample sample();

        /**
         * Content checksums taken in the dump's snapshot, which the restore test compares: of each
         * table with a primary key, the rows whose key hashes into bucket 0 of {@code buckets}.
         */
        interface Sample {
            /** 1 in how many rows (by key) is sampled; 1 samples every row. */
            @WithDefault("100")
            int buckets();

            /** How long sampling may take in all; tables not reached by then are not sampled. */
            @WithDefault("2m")
            Duration budget();
        }

        /** SQL returning the application's schema version (one row, one column); empty to skip. */
        @WithDefault("SELECT version FROM schema_version ORDER BY applied_at DESC, version DESC LIMIT 1")
        String schemaVersionQuery();

        /** SQL returning this node's federation role (central / regional); empty to skip. */
        @WithDefault("SELECT role FROM federation_node WHERE is_self LIMIT 1")
        String nodeRoleQuery();

        /** Directory of the PostgreSQL client binaries, tried first; empty means the other places only. */
        Optional<Path> pgBinDir();

        /** Directories of the client binaries by major version ({@code pg-bin-dirs.16=/opt/pg16/bin}). */
        Map<String, Path> pgBinDirs();

        /** Where installed client binaries are looked for, {@code {major}} standing for each major version. */
        @WithDefault("/usr/lib/postgresql/{major}/bin")
        String pgBinDirPattern();

        /** Whether the pg_dump found on the PATH is a candidate too; false uses the directories above only. */
        @WithDefault("true")
        boolean pgBinFromPath();
    }

    /** Requests read off {@code backup.requests}. */
    interface Requests {
        /**
         * A request that reaches the consumer later than this after it was made is refused and
         * reported, not run: a replay (a new consumer group, an offset reset) never dumps production
         * for requests nobody is waiting for any more.
         */
        @WithDefault("1h")
        Duration staleAfter();

        /**
         * Requests are coalesced: one joins the running dump only if its snapshot is taken after the
         * request was made, else it waits for the next dump, which begins when the running one ends
         * or at most this long after it was queued; 0 turns coalescing off (every request dumps).
         */
        @WithDefault("5m")
        Duration joinWindow();
    }
}
