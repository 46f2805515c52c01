package org.amyterm.backup.storage.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

/** Configuration of the storage service; every property is described in docs/configuration.md. */
@ConfigMapping(prefix = "amyterm.storage")
public interface StorageConfig {

    /** The spool the backup service writes to; an event naming a file elsewhere is refused. */
    @WithDefault("/var/spool/amyterm-backup")
    Path spoolDir();

    Spool spool();

    /** Watching the spool's free space (SpoolSpaceWatch). */
    interface Spool {
        /** Below this share of free space on the spool's file system, an alert (AT-STORE-007) says so, once. */
        @WithDefault("10")
        int minFreePercent();

        /** How often the free space is checked (and the gauge updated). */
        @WithDefault("1m")
        Duration checkEvery();
    }

    Encryption encryption();

    Signing signing();

    /** The storage service's own key, which signs every manifest (the verifier trusts its public key). */
    interface Signing {
        /** ASCII-armored OpenPGP secret key with the sign usage; not the encryption key. */
        Path secretKeyFile();

        /** File holding its passphrase; empty for an unprotected key. */
        java.util.Optional<Path> passphraseFile();
    }

    Retention retention();

    Follow follow();

    Retry retry();

    Kept kept();

    /** Dumps kept on the spool after storing was given up (KeptDumps). */
    interface Kept {
        /** How often each kept dump is tried again (one attempt each; also on demand: amyterm-backup store-kept). */
        @WithDefault("30m")
        Duration retryEvery();

        /**
         * A kept dump not stored within this long is removed from the spool (plaintext must not stay
         * for ever), with an alert (AT-STORE-009): take a new backup.
         */
        @WithDefault("7d")
        Duration maxAge();
    }

    Sweep sweep();

    /** The sweep that aborts multipart uploads no backup owns (OrphanUploadSweep). */
    interface Sweep {
        /** How often the bucket's in-progress uploads are checked. */
        @WithDefault("1h")
        Duration every();

        /** Delay of the first sweep after start-up (a restarted replica cleans up soon). */
        @WithDefault("1m")
        Duration firstAfter();

        /** An upload older than this is aborted whoever started it: keep it above the longest dump plus the retry window. */
        @WithDefault("48h")
        Duration minAge();
    }

    /** Riding out an outage of the object store (after the SDK's own retries of each request). */
    interface Retry {
        /** How long a store that fails for a reason that may pass (unavailable, throttled, timeouts) is retried. */
        @WithDefault("6h")
        Duration window();

        /** Wait before the first retry; the waits double up to {@code max-delay}. */
        @WithDefault("10s")
        Duration initialDelay();

        @WithDefault("5m")
        Duration maxDelay();

        /**
         * Keep the spool file when storing is given up (the window closed, or the store refused the
         * request), so the dump can still be stored by hand; false deletes it to free the spool.
         */
        @WithDefault("true")
        boolean keepSpoolOnGiveUp();

        /**
         * An object without a manifest this old was left by an attempt that died between completing
         * it and writing the manifest: it is removed and the backup stored anew. Far longer than
         * writing a manifest takes, so another replica's object is never taken for one.
         */
        @WithDefault("10m")
        Duration abandonedObjectAge();
    }

    interface Encryption {
        /**
         * {@code public-key}: OpenPGP to the recipients' public keys. {@code kms}: OpenPGP with a
         * fresh KMS data key per backup (envelope); the manifest keeps the wrapped key.
         */
        @WithDefault("public-key")
        Mode mode();

        Kms kms();

        enum Mode {
            PUBLIC_KEY,
            KMS
        }

        /** KMS envelope mode: endpoint, region and credentials come from the AWS SDK's standard configuration. */
        interface Kms {
            /** The KMS key (id, ARN or alias/…) data keys are generated under; required in kms mode. */
            java.util.Optional<String> keyId();

            /** A named profile of the SDK's shared configuration for KMS; empty means the default chain. */
            java.util.Optional<String> profile();

            /** The longest one KMS call may take, the SDK's retries included. */
            @WithDefault("30s")
            java.time.Duration callTimeout();
        }

        /**
         * Comma-separated ASCII-armored OpenPGP public keys of the recipients (operations, escrow …):
         * each can decrypt every new backup; the verifier and the operators hold the secret keys.
         */
        java.util.Optional<java.util.List<Path>> publicKeyFile();
    }

    /** Which backups are deleted, and when (RetentionPolicy); procedure section 2: 30 to 90 days by policy. */
    interface Retention {
        /** Days a scheduled (daily) backup is kept. */
        @WithDefault("35")
        int dailyDays();

        /** Days a backup taken before an upgrade is kept. */
        @WithDefault("90")
        int preUpgradeDays();

        /** Days a backup taken before a federation release is kept. */
        @WithDefault("90")
        int preFederationReleaseDays();

        /** Days a manual backup is kept. */
        @WithDefault("35")
        int manualDays();

        /** The newest verified backups kept per database whatever their age. */
        @WithDefault("3")
        int keepAtLeast();

        /**
         * With Object Lock, how far ahead of each run the lock of a backup kept beyond its class
         * (the last known good, the newest verified, GFS, one awaiting its test, a held database)
         * is extended; longer than the time between two runs.
         */
        @WithDefault("7d")
        java.time.Duration lockAhead();

        Gfs gfs();

        /** When retention runs (Quartz cron, seconds first); {@code off} disables the schedule. */
        @WithDefault("0 30 3 * * ?")
        String cron();

        /** Grandfather-father-son: also keep the newest verified backup of each recent day, week and month. */
        interface Gfs {
            @WithDefault("false")
            boolean enabled();

            @WithDefault("7")
            int days();

            @WithDefault("4")
            int weeks();

            @WithDefault("12")
            int months();
        }

        default int daysOf(String retentionClass) {
            return switch (retentionClass) {
                case "pre-upgrade" -> preUpgradeDays();
                case "pre-federation-release" -> preFederationReleaseDays();
                case "manual" -> manualDays();
                default -> dailyDays();
            };
        }
    }

    /** Uploading a dump while it is written (after BackupStarted). */
    interface Follow {
        /** A spool file that does not grow (nor is renamed or deleted) for this long is given up. */
        @WithDefault("1h")
        Duration idleTimeout();

        /** A fully uploaded dump whose BackupCompleted does not come within this time is aborted. */
        @WithDefault("1h")
        Duration claimTimeout();
    }
}
