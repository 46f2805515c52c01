package org.amyterm.backup.dumper.dump;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.amyterm.backup.pgtools.PgClientProcess;

/**
 * The pg_dump command line of procedure section 3 (custom format, no owner, no privileges), in
 * the snapshot the row counts were read in. pg_dump's own compression is off: its gzip is several
 * times slower than the server can be read, so the spool is compressed with zstd instead. No
 * password here: it travels in the child's environment, and so does the database name (PGDATABASE),
 * which libpq never reads as a connection string.
 */
final class PgDumpCommand {
    private PgDumpCommand() {
    }

    /** What goes into pg_dump's environment beside the password: the database, as a name only. */
    static Map<String, String> environment(String database) {
        return Map.of("PGDATABASE", database);
    }

    static List<String> of(Optional<Path> binDir, SourceEndpoint source, String snapshotId) {
        return List.of(PgClientProcess.executable(binDir, "pg_dump"), "--format=custom", "--compress=0", "--no-owner",
                "--no-privileges", "--snapshot=" + snapshotId, "--host=" + source.host(),
                "--port=" + source.port(), "--username=" + source.user(), "--no-password");
    }
}
