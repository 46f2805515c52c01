package org.amyterm.backup.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;

/** Configuration of the storage service; every property is described in docs/configuration.md. */
@ConfigMapping(prefix = "amyterm.storage")
public interface StorageConfig {

    /** The spool the backup service writes to; a BackupCompleted naming a file elsewhere is refused. */
    @WithDefault("/var/spool/amyterm-backup")
    Path spoolDir();

    Encryption encryption();

    Retention retention();

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
}
