package org.amyterm.backup.verifier.operator;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.amyterm.backup.verifier.restore.PgTarget;

/** What the restore needs to know of the target server, asked as the target role; changes only where said. */
final class TargetServer {
    private static final org.postgresql.Driver DRIVER = new org.postgresql.Driver();

    private final PgTarget target;
    private final java.time.Duration socketTimeout;

    TargetServer(PgTarget target, java.time.Duration socketTimeout) {
        this.target = target;
        this.socketTimeout = socketTimeout;
    }

    /** The target role's own attributes. */
    record Role(String name, boolean superuser, boolean createDb, boolean createRole) {
    }

    Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", target.user());
        target.password().ifPresent(p -> properties.setProperty("password", p));
        properties.setProperty("ApplicationName", "amyterm-backup-restore");
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("loginTimeout", "10");
        properties.setProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
        return DRIVER.connect("jdbc:postgresql://" + TargetHost.inUrl(target.host()) + ":" + target.port() + "/" + database, properties);
    }

    Role role() throws SQLException {
        try (Connection c = connect("postgres"); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT rolname, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user")) {
            rs.next();
            return new Role(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4));
        }
    }

    boolean databaseExists() throws SQLException {
        try (Connection c = connect("postgres");
                PreparedStatement st = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            st.setString(1, target.database());
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Other sessions on the target database (the application, a psql left open): who and from where. */
    List<String> otherSessions() throws SQLException {
        List<String> sessions = new ArrayList<>();
        try (Connection c = connect("postgres"); PreparedStatement st = c.prepareStatement(
                "SELECT coalesce(usename, '?') || ' (' || coalesce(nullif(application_name, ''), 'no application name') "
                        + "|| ', ' || coalesce(client_addr::text, 'local') || ')' FROM pg_stat_activity "
                        + "WHERE datname = ? AND pid <> pg_backend_pid()")) {
            st.setString(1, target.database());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    sessions.add(rs.getString(1));
                }
            }
        }
        return sessions;
    }

    /** What the target database already holds: user relations, functions, types and large objects, counted. */
    long objectsIn() throws SQLException {
        try (Connection c = connect(target.database()); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT (SELECT count(*) FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace
                        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%')
                     + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%')
                     + (SELECT count(*) FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'public')
                        AND nspname NOT LIKE 'pg\\_%')
                     + (SELECT count(*) FROM pg_extension WHERE extname <> 'plpgsql')
                     + (SELECT count(*) FROM pg_largeobject_metadata)""")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Whether the target role may create objects in the (existing) target database. */
    boolean mayCreateIn() throws SQLException {
        try (Connection c = connect(target.database()); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT has_database_privilege(current_database(), 'CREATE') "
                        + "AND has_schema_privilege('public', 'CREATE')")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** Of {@code roles}, those the target server does not have. */
    List<String> missingRoles(List<String> roles) throws SQLException {
        List<String> missing = new ArrayList<>();
        try (Connection c = connect("postgres"); PreparedStatement st = c.prepareStatement(
                "SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            for (String role : roles) {
                st.setString(1, role);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        missing.add(role);
                    }
                }
            }
        }
        return missing;
    }

    void createDatabase() throws SQLException {
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + quote(target.database()) + " TEMPLATE template0");
        }
    }

    /** Runs the roles' statements from the backup's globals (CREATE ROLE, ALTER ROLE). */
    void createRoles(List<String> statements) throws SQLException {
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            for (String statement : statements) {
                st.execute(statement);
            }
        }
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
