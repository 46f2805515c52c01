package org.amyterm.backup.dumper.dump;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.amyterm.backup.dumper.config.SourceDatabase;
import org.amyterm.backup.dumper.config.SourceServer;
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

    /**
     * The options that shape the archive (recorded in the manifest): format, what is left out, lock
     * wait. Privileges (GRANTs) are kept, so a restored application's roles get their access back;
     * a restore test leaves them out ({@code pg_restore --no-privileges}), an operator restore applies them.
     */
    static List<String> options(SourceDatabase database, Duration lockWait) {
        List<String> options = new ArrayList<>(List.of("--format=custom", "--compress=0", "--no-owner",
                "--lock-wait-timeout=" + Math.max(1, lockWait.toMillis())));
        database.excludeSchemas().forEach(schema -> options.add("--exclude-schema=" + schema));
        database.excludeTables().forEach(table -> options.add("--exclude-table=" + table));
        return options;
    }

    /** What goes into pg_dump's environment beside the password: the database, as a name only. */
    static Map<String, String> environment(String database) {
        return Map.of("PGDATABASE", database);
    }

    static List<String> of(Optional<Path> binDir, SourceServer source, String snapshotId, List<String> options) {
        List<String> command = new ArrayList<>();
        command.add(PgClientProcess.executable(binDir, "pg_dump"));
        command.addAll(options);
        command.addAll(List.of("--snapshot=" + snapshotId, "--host=" + source.host(), "--port=" + source.port(),
                "--username=" + source.user(), "--no-password"));
        return command;
    }
}
