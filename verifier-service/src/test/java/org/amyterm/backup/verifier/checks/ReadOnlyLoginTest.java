package org.amyterm.backup.verifier.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.amyterm.backup.testsupport.PostgresServer;
import org.amyterm.backup.testsupport.TestServers;
import org.amyterm.backup.verifier.restore.PgTarget;
import org.junit.jupiter.api.Test;

/**
 * The application under smoke test logs in as a role of its own that reads the restored database
 * and can change nothing: not its rows, not its schema, not the server's roles.
 */
class ReadOnlyLoginTest {
    private static final PostgresServer postgres = TestServers.postgres();
    private static final String STAGING_ROLE = "read_only_login_staging";
    private static final String DATABASE = "read_only_login_restored";

    @Test
    void theApplicationsLoginReadsEverythingAndChangesNothingAndIsGoneAfterwards() throws Exception {
        // Given a restored database owned by a staging role with CREATEDB and CREATEROLE (no superuser)
        PgTarget staging = StagingDatabases.ownedBy(postgres, DATABASE, STAGING_ROLE);
        try (Connection restored = StagingDatabases.connect(staging)) {
            try (Statement st = restored.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS terminology CASCADE");
                st.execute("CREATE SCHEMA terminology");
                st.execute("CREATE TABLE terminology.concept (id bigserial PRIMARY KEY, code text)");
                st.execute("INSERT INTO terminology.concept (code) VALUES ('A01')");
            }

            // When the application's login is made
            ReadOnlyLogin login = ReadOnlyLogin.create(restored, "amyterm_verify_app_", Duration.ofMinutes(5));
            assertThat(login.toString()).doesNotContain(login.target(staging).password().orElseThrow());

            // Then it reads the tables, and changes no row, no schema and no role
            try (Connection app = StagingDatabases.connect(login.target(staging)); Statement st = app.createStatement()) {
                var rs = st.executeQuery("SELECT code, current_user FROM terminology.concept");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("A01");
                assertThat(rs.getString(2)).isEqualTo(login.role()).startsWith("amyterm_verify_app_");
                assertThatThrownBy(() -> st.execute("INSERT INTO terminology.concept (code) VALUES ('B02')"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("read-only transaction");
                // (and an application that switches read-only off still has no right to write)
                st.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE");
                assertThatThrownBy(() -> st.execute("INSERT INTO terminology.concept (code) VALUES ('B02')"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
                assertThatThrownBy(() -> st.execute("CREATE ROLE intruder")).isInstanceOf(SQLException.class);
            }

            // And once dropped, it is gone
            login.dropQuietly(restored);
            assertThat(postgres.psql("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = '" + login.role() + "'"))
                    .isEqualTo("0");
        }
    }
}
