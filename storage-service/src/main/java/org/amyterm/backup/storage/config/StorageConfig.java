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

    Encryption encryption();

    Retention retention();

    Follow follow();

    interface Encryption {
        /** ASCII-armored OpenPGP public key of the recipient (the verifier and the operators hold the private key). */
        Path publicKeyFile();
    }

    interface Retention {
        /** The retention class recorded for new backups. */
        @WithDefault("daily")
        String retentionClass();

        /** Days a backup is kept (procedure: 30 to 90, policy-driven). */
        @WithDefault("90")
        int days();
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
