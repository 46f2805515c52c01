package org.amyterm.backup.verifier.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.amyterm.backup.testsupport.PostgresServer;
import org.amyterm.backup.testsupport.ServerProcess;
import org.amyterm.backup.testsupport.TestDirs;
import org.amyterm.backup.testsupport.TestServers;
import org.junit.jupiter.api.Test;

/** Roles made again from a backup's globals, as pg_dumpall wrote them, by a role that is not a superuser. */
class RoleStatementsTest {
    private final PostgresServer postgres = TestServers.postgres();

    @Test
    void aRoleIsMadeAgainWithItsAttributesByARoleWithCreateroleOnly() throws Exception {
        // Given a role with attributes of its own, as pg_dumpall --globals-only --no-role-passwords writes it
        String role = "clerk_" + System.nanoTime() % 1_000_000;
        postgres.psql("postgres", "CREATE ROLE " + role + " LOGIN CONNECTION LIMIT 3 PASSWORD 'never-copied'");
        Path dir = TestDirs.server("role-statements");
        Path globals = dir.resolve("globals.sql");
        ServerProcess.run(List.of(postgres.binDir().resolve("pg_dumpall").toString(), "--globals-only",
                "--no-role-passwords", "--host=" + postgres.host(), "--port=" + postgres.port(), "--username=postgres",
                "--file=" + globals), Map.of("PGPASSWORD", postgres.password()), dir, Duration.ofMinutes(1));
        postgres.psql("postgres", "DROP ROLE " + role);

        // When its statements are taken from the globals and run by a role with CREATEROLE (not a superuser)
        List<String> statements = RoleStatements.of(Files.readString(globals), List.of(role));
        postgres.psql("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'role_maker') THEN "
                + "CREATE ROLE role_maker LOGIN CREATEROLE PASSWORD 'Rm-test'; END IF; END $$");
        Properties login = new Properties();
        login.setProperty("user", "role_maker");
        login.setProperty("password", "Rm-test");
        try (Connection c = new org.postgresql.Driver().connect(postgres.jdbcUrl("postgres"), login);
                Statement st = c.createStatement()) {
            for (String statement : statements) {
                st.execute(statement);
            }
        }

        // Then the role is back with its attributes, without its password, and nothing of other roles was taken
        assertThat(statements).hasSize(2).allMatch(s -> s.contains(role)).noneMatch(s -> s.contains("NOSUPERUSER"));
        assertThat(postgres.psql("postgres", "SELECT rolcanlogin || ' ' || rolconnlimit || ' ' || (rolpassword IS NULL) "
                + "FROM pg_authid WHERE rolname = '" + role + "'")).isEqualTo("true 3 true");
    }
}
