package org.amyterm.backup.verifier.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Configuration of the verifier service; every property is described in docs/configuration.md. */
@ConfigMapping(prefix = "amyterm.verifier")
public interface VerifierConfig {

    Staging staging();

    Decryption decryption();

    Signing signing();

    /** Whose manifests are trusted: the storage services' signing public keys (old and new during a rotation). */
    interface Signing {
        /** Comma-separated ASCII-armored OpenPGP public key files. */
        java.util.List<Path> publicKeyFiles();
    }

    Restore restore();

    Evidence evidence();

    /** The evidence of each verification: signed by the verifier, so an edited file is detected. */
    interface Evidence {
        /**
         * ASCII-armored OpenPGP secret key (sign usage; not the decryption key) that signs every
         * evidence file into a detached {@code .sig} beside it, which {@code gpg --verify} checks.
         */
        Path signingKeyFile();

        /** File holding that key's passphrase, if it has one. */
        Optional<Path> signingPassphraseFile();

        /** Which verifier wrote the evidence; unset means this host's name. */
        Optional<String> instance();
    }

    /**
     * A restore test that could not run (download cut, bucket or staging server unreachable, no
     * pg_restore) is tried again with backoff for {@code window} before it is reported as given up.
     */
    org.amyterm.backup.messaging.RetryWindow.Settings retry();

    Reverify reverify();

    /** Re-verification: the last known good backup of each database is restore-tested again on this schedule. */
    interface Reverify {
        /** Quartz cron (seconds first); {@code off} disables it. Default: Sundays at 03:00. */
        @WithDefault("0 0 3 ? * SUN")
        String cron();
    }

    /**
     * The {@code amyterm} profile's smoke checks (procedure section 6): name → SQL that must return
     * at least one row. Empty means Amy-Term's own.
     */
    @WithDefault("")
    Map<String, String> smokeChecks();

    Checks checks();

    Application app();

    /**
     * The application the {@code amyterm} profile starts on a restored database for its smoke
     * checks (procedure section 6): {@code /codesystems}, {@code /valuesets}, {@code /fhir/metadata}
     * and {@code /atc/browser}. It gets the database in the libpq environment (PGHOST, PGPORT,
     * PGDATABASE, PGUSER, PGPASSWORD) and its port in PORT, never on its command line.
     */
    interface Application {
        /** The command (comma-separated words); unset means the profile runs its SQL smoke checks only. */
        Optional<java.util.List<String>> command();

        /** Answered with 200 once the application is up. */
        @WithDefault("/health")
        String healthPath();

        /** How long the application may take to answer its health path. */
        @WithDefault("2m")
        Duration startTimeout();

        /** How long one request to it may take. */
        @WithDefault("30s")
        Duration requestTimeout();

        /** What {@code /atc/browser?search=} looks for; the answer must not be empty. */
        @WithDefault("group")
        String atcSearch();
    }

    /** Which checks a restored database gets. */
    interface Checks {
        /** The profile of backups whose manifest names none (made before profiles were recorded). */
        @WithDefault("generic")
        String defaultProfile();

        /** How long re-reading the rows sampled at dump time may take, for one restored database. */
        @WithDefault("10m")
        java.time.Duration sampleTimeout();

        /** Operator checks by database: {@code checks.databases.<db>.sql.<name>.query} and {@code .expected}. */
        Map<String, DatabaseChecks> databases();
    }

    /** One database's own checks, whatever its profile. */
    interface DatabaseChecks {
        Map<String, SqlCheck> sql();
    }

    /** SQL run on the restored database: it must return a row, whose first column equals {@code expected} if set. */
    interface SqlCheck {
        String query();

        Optional<String> expected();
    }

    /** The PostgreSQL server restore tests run on; never the production server. */
    interface Staging {
        @WithDefault("127.0.0.1")
        String host();

        @WithDefault("5432")
        int port();

        /**
         * A role with CREATEDB and CREATEROLE, not a superuser: it owns, and so may drop, the
         * databases it restores into, and makes the roles a backup references that staging lacks.
         */
        @WithDefault("amyterm_verifier")
        String user();

        /** Set through the environment (PGPASSWORD); empty means PGPASSFILE supplies it. */
        Optional<String> password();

        /**
         * Whether the staging server may hold databases this bucket backs up (a source server).
         * Off, the verifier refuses to start on such a server: restore tests belong elsewhere.
         */
        @WithDefault("false")
        boolean allowSourceServer();

        /** Prefix of the throwaway databases restore tests create and drop. */
        @WithDefault("amyterm_verify_")
        String databasePrefix();

        /** How often every replica drops the staging databases no running attempt claims (a killed replica's). */
        @WithDefault("5m")
        java.time.Duration leftoverSweep();
    }

    interface Decryption {
        /**
         * Comma-separated ASCII-armored OpenPGP secret keys that decrypt backups: after a rotation
         * the new one and the old ones whose backups are still retained. Only the verifier holds them.
         * Empty only where every backup is in KMS envelope mode.
         */
        Optional<java.util.List<Path>> privateKeyFile();

        /** File holding the secret key's passphrase; empty for an unprotected key. */
        Optional<Path> passphraseFile();

        Kms kms();

        /** KMS envelope backups: endpoint, region and credentials come from the AWS SDK's standard configuration. */
        interface Kms {
            /** A named profile of the SDK's shared configuration for KMS; empty means the default chain. */
            Optional<String> profile();

            /** The longest one KMS call may take, the SDK's retries included. */
            @WithDefault("30s")
            Duration callTimeout();
        }
    }

    interface Restore {
        @WithDefault("6h")
        Duration timeout();

        /**
         * {@code pipe}: the decrypted archive streams into pg_restore, no plaintext on disk.
         * {@code file}: it is written to a private file in {@code work-dir} (0600, deleted after),
         * checked (sha256, MDC) before pg_restore runs, and restored with {@code --jobs}.
         */
        @WithDefault("pipe")
        Mode mode();

        /**
         * The longest the verifier waits for one answer of the staging server or a restore target
         * (the JDBC driver's {@code socketTimeout}): a server that stops answering mid-check fails
         * that step as unreachable (a fault, retried) instead of holding it for ever. Longer than
         * the slowest single query a check runs (a row count of the largest table).
         */
        @WithDefault("30m")
        Duration socketTimeout();

        /** pg_restore --jobs in {@code file} mode. */
        @WithDefault("2")
        int jobs();

        /** Where {@code file} mode keeps the archive while it is restored; created with mode 0700. */
        @WithDefault("/var/tmp/amyterm-verifier")
        Path workDir();

        /** Directory of the PostgreSQL client binaries; empty means the PATH. */
        Optional<Path> pgBinDir();
    }

    enum Mode {
        pipe,
        file
    }
}
