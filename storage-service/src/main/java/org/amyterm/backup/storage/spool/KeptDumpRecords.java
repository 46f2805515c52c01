package org.amyterm.backup.storage.spool;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.MalformedEventException;
import org.amyterm.backup.contracts.SpoolFileNames;
import org.amyterm.backup.storage.config.StorageConfig;
import org.jboss.logging.Logger;

/**
 * What the storage service keeps beside a dump it gave up storing: the dump's BackupCompleted,
 * in {@code <backupId>.kept.json} on the spool (private, written whole or not at all), so the dump
 * can be stored later exactly as it would have been. Read back only if it names its own file.
 */
@ApplicationScoped
public class KeptDumpRecords {
    private static final Logger LOG = Logger.getLogger(KeptDumpRecords.class);
    /** A BackupCompleted is a few KiB (more with many tables' row counts): anything far larger is not one. */
    static final long MAX_RECORD_BYTES = 16L << 20;

    private final Path spoolDir;
    private final SpoolPaths paths;

    public KeptDumpRecords(StorageConfig config, SpoolPaths paths) {
        this.spoolDir = config.spoolDir();
        this.paths = paths;
    }

    /** A dump kept on the spool, since {@code keptAt}. */
    public record Kept(BackupCompleted dump, Instant keptAt) {
    }

    /** Records that {@code dump} is kept; an existing record keeps its date. */
    public void keep(BackupCompleted dump) {
        Path record = spoolDir.resolve(SpoolFileNames.kept(dump.backupId()));
        if (Files.exists(record)) {
            return;
        }
        try {
            Path partial = Files.createTempFile(spoolDir, ".kept-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(partial, EventJson.write(dump), StandardCharsets.UTF_8);
            try {
                Files.move(partial, record, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, record, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // the dump itself stays; only the automatic retry is lost, and the alert says it is kept
            LOG.errorf("backup %s of %s is kept on the spool, but %s could not be written (%s): it will not be "
                    + "retried by itself; store it with a new backup", dump.backupId(), dump.database(), record,
                    e.getMessage());
        }
    }

    /** Every kept dump whose record reads and names its own spool file; other records are logged and left alone. */
    public List<Kept> all() {
        List<Kept> kept = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(spoolDir, "*.kept.json")) {
            for (Path record : files) {
                read(record).ifPresent(kept::add);
            }
        } catch (IOException e) {
            LOG.warnf("cannot list the kept dumps in %s: %s", spoolDir, e.getMessage());
        }
        return kept;
    }

    private Optional<Kept> read(Path record) {
        Optional<String> id = SpoolFileNames.backupIdOfKept(record.getFileName().toString());
        try {
            if (id.isEmpty() || Files.size(record) > MAX_RECORD_BYTES) {
                LOG.warnf("%s is not a kept-dump record (name or size); left alone", record);
                return Optional.empty();
            }
            BackupCompleted dump;
            try (InputStream in = Files.newInputStream(record)) {
                dump = EventJson.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), BackupCompleted.class);
            }
            if (!dump.backupId().equals(id.get())) {
                LOG.warnf("%s holds backup %s, not its own; left alone", record, dump.backupId());
                return Optional.empty();
            }
            paths.complete(dump); // names a file in the spool, its own
            return Optional.of(new Kept(dump, Files.getLastModifiedTime(record).toInstant()));
        } catch (IOException | MalformedEventException | org.amyterm.backup.contracts.StageException e) {
            LOG.warnf("%s cannot be read as a kept dump (%s); left alone", record, e.getMessage());
            return Optional.empty();
        }
    }

    /** The dump is stored or removed: its record goes. */
    public void forget(String backupId) {
        try {
            Files.deleteIfExists(spoolDir.resolve(SpoolFileNames.kept(backupId)));
        } catch (IOException e) {
            LOG.warnf("the kept-dump record of backup %s could not be removed: %s", backupId, e.getMessage());
        }
    }
}
