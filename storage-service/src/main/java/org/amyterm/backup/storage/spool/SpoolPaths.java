package org.amyterm.backup.storage.spool;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.storage.config.StorageConfig;

/**
 * The spool files events name, refused unless they lie in the configured spool directory: a
 * forged event must not make the storage service read (or delete) any other file.
 */
@ApplicationScoped
public class SpoolPaths {
    /** What the backup service appends while a dump is being written. */
    public static final String PARTIAL_SUFFIX = ".partial";

    private final Path spoolDir;

    public SpoolPaths(StorageConfig config) {
        this.spoolDir = config.spoolDir().toAbsolutePath().normalize();
    }

    public Path inSpool(String backupId, String database, String spoolFile) {
        Path file = Path.of(spoolFile).toAbsolutePath().normalize();
        if (file.getParent() == null || !file.getParent().equals(spoolDir)) {
            throw new StageException(backupId, database, Stage.STORE, FailureReason.SPOOL_MISSING,
                    "the event names spool file " + file + ", which is outside the spool " + spoolDir
                            + " (amyterm.storage.spool-dir must match the backup service's spool)");
        }
        return file;
    }

    /** The name a partial spool file gets once its dump is complete. */
    public static Path completeName(Path partial) {
        String name = partial.getFileName().toString();
        return partial.resolveSibling(name.substring(0, name.length() - PARTIAL_SUFFIX.length()));
    }
}
