package org.amyterm.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The restore command's target: where, as whom, and the password as libpq would find it (never from argv). */
class RestoreCommandTest {
    @TempDir
    Path dir;

    @Test
    void aPasswordInTheTargetUrlIsRefusedBeforeAnythingIsSent() {
        StringWriter err = new StringWriter();
        int exit = AmytermBackup.run(new String[] {"restore", "amyterm", "--target-url",
                "postgresql://owner:s3cret@127.0.0.1:1/", "--target-db", "amyterm", "--node-role", "central",
                "--verifier-url", "http://127.0.0.1:1"}, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(exit).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).contains("holds a password", "PGPASSWORD or PGPASSFILE").doesNotContain("s3cret");
    }

    @Test
    void aNodeRoleIsRequiredExceptIntoASchemaWhichNeedsTablesToBringBack() {
        StringWriter err = new StringWriter();
        int exit = AmytermBackup.run(new String[] {"restore", "amyterm", "--target-url", "postgresql://owner@127.0.0.1:1",
                "--target-db", "amyterm", "--verifier-url", "http://127.0.0.1:1"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        assertThat(exit).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).contains("--node-role central|regional is required (except with --into-schema)");

        StringWriter noTables = new StringWriter();
        assertThat(AmytermBackup.run(new String[] {"restore", "amyterm", "--target-url", "postgresql://owner@127.0.0.1:1",
                "--target-db", "amyterm", "--into-schema", "recovered", "--verifier-url", "http://127.0.0.1:1"},
                new PrintWriter(new StringWriter()), new PrintWriter(noTables))).isEqualTo(ExitCode.USAGE);
        assertThat(noTables.toString()).contains("--into-schema needs the tables to bring back");
    }

    @Test
    void theHelpShowsTheWaysToRestoreAPart() {
        StringWriter out = new StringWriter();
        AmytermBackup.run(new String[] {"restore", "--help"}, new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertThat(out.toString()).contains("--schema=NAME", "--table=SCHEMA.TABLE", "--exclude-table=SCHEMA.TABLE",
                "--into-schema=NAME");
        StringWriter contents = new StringWriter();
        AmytermBackup.run(new String[] {"contents", "--help"}, new PrintWriter(contents), new PrintWriter(new StringWriter()));
        assertThat(contents.toString()).contains("BACKUP_ID|last-known-good", "--database=DATABASE", "--json");
    }

    @Test
    void theTargetUrlGivesUserHostAndPortWithPostgresDefaultPort() {
        assertThat(TargetUrl.parse(URI.create("postgresql://owner@db.internal"))).isEqualTo(new TargetUrl("owner",
                "db.internal", 5432));
        assertThatThrownBy(() -> TargetUrl.parse(URI.create("postgresql://db.internal:5432")))
                .hasMessageContaining("names no user");
    }

    @Test
    void thePasswordComesFromPgpasswordElseTheFirstMatchingPgpassLine() throws Exception {
        TargetUrl target = new TargetUrl("owner", "db.internal", 5433);
        Path pgpass = Files.writeString(dir.resolve("pgpass"), String.join("\n",
                "# host:port:database:user:password",
                "db.internal:5432:*:owner:wrong-port",
                "db.internal:5433:other:owner:wrong-database",
                "db.internal:5433:*:owner:pa\\:ss",
                "*:*:*:*:fallback"));

        assertThat(PgPassword.of(target, "amyterm", Map.of("PGPASSWORD", "from-env", "PGPASSFILE", pgpass.toString())))
                .contains("from-env");
        assertThat(PgPassword.of(target, "amyterm", Map.of("PGPASSFILE", pgpass.toString()))).contains("pa:ss");
        assertThat(PgPassword.of(new TargetUrl("nobody", "elsewhere", 1), "x", Map.of("PGPASSFILE", pgpass.toString())))
                .contains("fallback");
        assertThat(PgPassword.of(target, "amyterm", Map.of("PGPASSFILE", dir.resolve("none").toString()))).isEmpty();
    }

    @Test
    void eachRestoreRefusalHasItsOwnExitCode() {
        assertThat(java.util.stream.IntStream.rangeClosed(1, 6).map(i -> ExitCode.ofRestore("AT-RESTORE-00" + i)))
                .containsExactly(10, 11, 12, 13, 14, 15);
        assertThat(ExitCode.ofRestore("AT-RESTORE-007")).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(java.util.stream.IntStream.rangeClosed(8, 11).map(i -> ExitCode.ofRestore(String.format(
                "AT-RESTORE-%03d", i)))).containsExactly(ExitCode.NOT_FOUND, 16, 17, 18);
        assertThat(ExitCode.ofRestore("AT-VERIFY-003")).isEqualTo(ExitCode.FAILED);
    }
}
