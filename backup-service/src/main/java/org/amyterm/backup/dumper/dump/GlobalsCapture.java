package org.amyterm.backup.dumper.dump;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.integrity.HashingOutputStream;
import org.amyterm.backup.dumper.config.SourceServer;
import org.amyterm.backup.pgtools.PgClientProcess;

/**
 * The server's roles and tablespaces, captured with each dump ({@code pg_dumpall --globals-only
 * --no-role-passwords}: no password hash ever leaves the server), so a restore on another server
 * can create a role the dump references instead of failing. Written to the spool beside the dump,
 * synced and renamed like it; the storage service encrypts and stores it as {@code globals.sql.gpg}.
 */
final class GlobalsCapture {
    private GlobalsCapture() {
    }

    /** Writes the globals to {@code spool}; the caller discards the file if a later step fails. */
    static BackupCompleted.Globals capture(Optional<Path> binDir, SourceServer server, String database,
            SpoolFile spool, String backupId, Duration timeout) throws IOException, InterruptedException {
        List<String> command = List.of(PgClientProcess.executable(binDir, "pg_dumpall"), "--globals-only",
                "--no-role-passwords", "--host=" + server.host(), "--port=" + server.port(),
                "--username=" + server.user(), "--no-password",
                // the database the role may connect to; configured names are plain names (checked at start-up)
                "--database=" + database);
        HashingOutputStream written;
        try (PgClientProcess process = PgClientProcess.start(command, server.password());
                OutputStream file = spool.open()) {
            written = new HashingOutputStream(file);
            int exit = process.copyStdoutTo(written, timeout); // the timeout covers the reading too
            if (exit != 0) {
                // the roles and tablespaces kept with each dump
                throw PgDumpFailure.of("pg_dumpall --globals-only", backupId, database, server, exit,
                        process.stderrTail(), timeout);
            }
        }
        Path committed = spool.commit();
        return new BackupCompleted.Globals(committed.toString(), written.bytes(), written.sha256());
    }
}
