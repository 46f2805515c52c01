package org.amyterm.backup.dumper.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.amyterm.backup.dumper.config.SourceServer;
import org.amyterm.backup.pgtools.PgClientProcess;
import org.amyterm.backup.testsupport.PostgresServer;
import org.amyterm.backup.testsupport.TestServers;
import org.junit.jupiter.api.Test;

/** pg_dump as the backup service starts it, against a real PostgreSQL. */
class PgDumpCommandTest {
    private final PostgresServer postgres = TestServers.postgres();
    private final SourceServer source = new SourceServer("test", postgres.host(), postgres.port(),
            PostgresServer.SUPERUSER, new SourceServer.PasswordValue(Optional.of(postgres.password())), 1);

    @Test
    void aDatabaseNameIsNeverReadAsAConnectionString() throws Exception {
        // Given the server's own database dumps under its name (the positive case)
        assertThat(schemaOnlyDump("postgres")).isEqualTo("exit 0");

        // When a name libpq would read as a connection string reaches pg_dump
        // Then it is only ever a database name, one that does not exist
        assertThat(schemaOnlyDump("dbname=postgres host=" + postgres.host()))
                .contains("database \"dbname=postgres host=" + postgres.host() + "\" does not exist");
        assertThat(schemaOnlyDump("postgresql://" + postgres.host() + "/postgres"))
                .contains("database \"postgresql://" + postgres.host() + "/postgres\" does not exist");
    }

    /** "exit 0", or pg_dump's exit code and error output. */
    private String schemaOnlyDump(String database) throws Exception {
        List<String> command = new ArrayList<>(PgDumpCommand.of(Optional.of(postgres.binDir()), source, "unused",
                List.of("--format=custom")));
        command.removeIf(arg -> arg.startsWith("--snapshot="));
        command.add("--schema-only");
        try (PgClientProcess pgDump = PgClientProcess.start(command, source.password(),
                PgDumpCommand.environment(database))) {
            pgDump.stdout().transferTo(java.io.OutputStream.nullOutputStream());
            int exit = pgDump.await(Duration.ofSeconds(60));
            return exit == 0 ? "exit 0" : "exit " + exit + ": " + pgDump.stderrTail();
        }
    }
}
