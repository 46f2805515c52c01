package org.amyterm.backup.dumper.dump;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.amyterm.backup.contracts.SpoolFileNames;

/**
 * One dump on the spool. It is written as {@code <backupId>.pgcustom.zst.partial} (mode 0600, in a
 * 0700 directory), synced and renamed when complete, so the storage service never sees half a dump;
 * a failed attempt deletes its partial file.
 */
final class SpoolFile {
    private final Path partial;
    private final Path complete;

    private SpoolFile(Path partial, Path complete) {
        this.partial = partial;
        this.complete = complete;
    }

    /** The backup's dump. */
    static SpoolFile create(Path spoolDir, String backupId) throws IOException {
        return named(spoolDir, SpoolFileNames.complete(backupId));
    }

    /** The backup's roles and tablespaces, beside its dump. */
    static SpoolFile createGlobals(Path spoolDir, String backupId) throws IOException {
        return named(spoolDir, SpoolFileNames.globals(backupId));
    }

    private static SpoolFile named(Path spoolDir, String completeName) throws IOException {
        Files.createDirectories(spoolDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(spoolDir, PosixFilePermissions.fromString("rwx------"));
        Path complete = spoolDir.resolve(completeName);
        Path partial = spoolDir.resolve(completeName + ".partial");
        Files.deleteIfExists(partial);
        Files.deleteIfExists(complete);
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return new SpoolFile(partial, complete);
    }

    /** The file as it is being written; renamed to its complete name by {@link #commit()}. */
    Path partialPath() {
        return partial;
    }

    OutputStream open() throws IOException {
        return Files.newOutputStream(partial);
    }

    /** Written, then made durable (fsync of the file, and after the rename of the folder), then renamed. */
    Path commit() throws IOException {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(partial,
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        try {
            Files.move(partial, complete, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, complete, StandardCopyOption.REPLACE_EXISTING);
        }
        try (java.nio.channels.FileChannel folder = java.nio.channels.FileChannel.open(complete.getParent(),
                java.nio.file.StandardOpenOption.READ)) {
            folder.force(true); // the rename itself survives a crash
        } catch (IOException notSupported) {
            // some file systems cannot sync a directory; the file's own data is synced above
        }
        return complete;
    }

    /** Removes what this attempt wrote: the partial file, or the complete one once a later step failed. */
    void discard() {
        try {
            Files.deleteIfExists(partial);
            Files.deleteIfExists(complete);
        } catch (IOException ignored) {
            // the next attempt for this backup id deletes it before writing
        }
    }
}
