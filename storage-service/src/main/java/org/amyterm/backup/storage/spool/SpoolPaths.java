package org.amyterm.backup.storage.spool;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupStarted;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.SpoolFileNames;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.storage.config.StorageConfig;

/**
 * The spool files events name, refused unless they lie in the configured spool directory and
 * carry their own backup's name: a forged or mistaken event must not make the storage service read
 * (or delete) another backup's dump, or any other file.
 */
@ApplicationScoped
public class SpoolPaths {
    private final Path spoolDir;

    public SpoolPaths(StorageConfig config) {
        this.spoolDir = config.spoolDir().toAbsolutePath().normalize();
    }

    /** The partial file a dump is being written to. */
    public Path partial(BackupStarted started) {
        return checked(started.backupId(), started.database(), started.spoolFile(),
                SpoolFileNames.partial(started.backupId()));
    }

    /** The complete file of a finished dump. */
    public Path complete(BackupCompleted dump) {
        return checked(dump.backupId(), dump.database(), dump.spoolFile(), SpoolFileNames.complete(dump.backupId()));
    }

    /** The roles and tablespaces written beside a finished dump, if its event names them. */
    public java.util.Optional<Path> globals(BackupCompleted dump) {
        return java.util.Optional.ofNullable(dump.globals()).map(globals -> checked(dump.backupId(), dump.database(),
                globals.spoolFile(), SpoolFileNames.globals(dump.backupId())));
    }

    /** The name a partial spool file gets once its dump is complete. */
    public static Path completeName(Path partial, String backupId) {
        return partial.resolveSibling(SpoolFileNames.complete(backupId));
    }

    private Path checked(String backupId, String database, String spoolFile, String expectedName) {
        Path file = Path.of(spoolFile).toAbsolutePath().normalize();
        if (file.getParent() == null || !file.getParent().equals(spoolDir)) {
            throw new StageException(backupId, database, Stage.STORE, FailureReason.SPOOL_REFUSED,
                    "the event names spool file " + file + ", which is outside the spool " + spoolDir
                            + " (amyterm.storage.spool-dir must match the backup service's spool)");
        }
        if (!file.getFileName().toString().equals(expectedName)) {
            throw new StageException(backupId, database, Stage.STORE, FailureReason.MALFORMED_EVENT,
                    "the event for backup " + backupId + " names spool file " + file.getFileName()
                            + ", not its own " + expectedName + ": nothing was read or deleted");
        }
        return file;
    }
}
