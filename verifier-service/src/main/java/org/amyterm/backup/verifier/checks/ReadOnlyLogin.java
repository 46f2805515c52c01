package org.amyterm.backup.verifier.checks;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.amyterm.backup.verifier.restore.PgTarget;
import org.postgresql.PGConnection;

/**
 * The login the application under smoke test gets: a role of its own that may read the restored
 * database and nothing else, never the staging role (which may create databases and roles). It
 * reads through {@code default_transaction_read_only}, its password is random, sent to the server
 * only as a SCRAM verifier (never in SQL text a server log could keep), and it stops working by
 * itself after {@code validFor} (VALID UNTIL) even if the verifier dies before dropping it; the
 * staging sweep drops such leftovers.
 */
final class ReadOnlyLogin {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String role;
    private final char[] password;
    /** The schemas it was granted something in: what dropping it revokes. */
    private final java.util.List<String> schemas = new java.util.ArrayList<>();

    private ReadOnlyLogin(String role, char[] password) {
        this.role = role;
        this.password = password;
    }

    /** Creates the login and lets it read every table and sequence of the database {@code restored} is connected to. */
    static ReadOnlyLogin create(Connection restored, String rolePrefix, Duration validFor) throws SQLException {
        byte[] suffix = new byte[6];
        RANDOM.nextBytes(suffix);
        String role = rolePrefix + HexFormat.of().formatHex(suffix);
        byte[] secret = new byte[24];
        RANDOM.nextBytes(secret);
        ReadOnlyLogin login = new ReadOnlyLogin(role, Base64.getUrlEncoder().withoutPadding().encodeToString(secret)
                .toCharArray());
        try (Statement st = restored.createStatement()) {
            // no CONNECT grant: a staging database is made fresh, and PUBLIC may connect to it
            st.execute("CREATE ROLE " + quote(role) + " LOGIN NOINHERIT CONNECTION LIMIT 20 VALID UNTIL '"
                    + Instant.now().plus(validFor) + "'");
            // (a copy: the driver clears the array it is given)
            restored.unwrap(PGConnection.class).alterUserPassword(role, login.password.clone(), "scram-sha-256");
            st.execute("ALTER ROLE " + quote(role) + " SET default_transaction_read_only = on");
            try (java.sql.ResultSet names = restored.createStatement().executeQuery(
                    "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'")) {
                while (names.next()) {
                    login.schemas.add(names.getString(1));
                }
            }
            for (String schema : login.schemas) {
                st.execute("GRANT USAGE ON SCHEMA " + quote(schema) + " TO " + quote(role));
                st.execute("GRANT SELECT ON ALL TABLES IN SCHEMA " + quote(schema) + " TO " + quote(role));
                st.execute("GRANT SELECT ON ALL SEQUENCES IN SCHEMA " + quote(schema) + " TO " + quote(role));
            }
        } catch (SQLException e) {
            login.dropQuietly(restored);
            throw e;
        }
        return login;
    }

    /** The database as the application reaches it, as this login. */
    PgTarget target(PgTarget database) {
        return new PgTarget(database.host(), database.port(), role, Optional.of(new String(password)),
                database.database(), database.options());
    }

    String role() {
        return role;
    }

    /** Revokes what it was granted and drops it; a failure is left to the staging sweep. */
    void dropQuietly(Connection restored) {
        // revoked one by one: DROP OWNED BY would need the staging role to hold this role's privileges
        try (Statement st = restored.createStatement()) {
            for (String schema : schemas) {
                st.execute("REVOKE ALL ON ALL SEQUENCES IN SCHEMA " + quote(schema) + " FROM " + quote(role));
                st.execute("REVOKE ALL ON ALL TABLES IN SCHEMA " + quote(schema) + " FROM " + quote(role));
                st.execute("REVOKE ALL ON SCHEMA " + quote(schema) + " FROM " + quote(role));
            }
            st.execute("DROP ROLE IF EXISTS " + quote(role));
        } catch (SQLException e) {
            org.jboss.logging.Logger.getLogger(ReadOnlyLogin.class).warnf(
                    "the application's login %s could not be dropped now (%s); the staging sweep drops it once it expires",
                    role, e.getMessage());
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    @Override
    public String toString() {
        return "ReadOnlyLogin[" + role + ", password ***]";
    }
}
