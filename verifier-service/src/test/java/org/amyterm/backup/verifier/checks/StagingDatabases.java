package org.amyterm.backup.verifier.checks;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.amyterm.backup.testsupport.PostgresServer;
import org.amyterm.backup.verifier.restore.PgTarget;

/** A database as the verifier holds one after a restore: owned by a staging role with CREATEDB and CREATEROLE (no superuser). */
final class StagingDatabases {
    private StagingDatabases() {
    }

    /** Makes {@code database} (once) owned by {@code role} (made once, password {@code staging}); the database as that role. */
    static PgTarget ownedBy(PostgresServer postgres, String database, String role) {
        postgres.createDatabaseOnce(database, "SELECT 1");
        postgres.psql("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role
                + "') THEN CREATE ROLE " + role + " LOGIN CREATEDB CREATEROLE PASSWORD 'staging'; END IF; END $$");
        postgres.psql("postgres", "ALTER DATABASE " + database + " OWNER TO " + role);
        return new PgTarget(postgres.host(), postgres.port(), role, Optional.of("staging"), database, List.of());
    }

    static Connection connect(PgTarget target) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", target.user());
        properties.setProperty("password", target.password().orElseThrow());
        // the driver itself, not DriverManager: after a @QuarkusTest in the same JVM it may not see the driver
        return new org.postgresql.Driver().connect("jdbc:postgresql://" + target.host() + ":" + target.port() + "/"
                + target.database(), properties);
    }
}
