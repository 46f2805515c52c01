package org.amyterm.backup.verifier.restore;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import org.amyterm.backup.verifier.config.VerifierConfig;

/** The PostgreSQL server restore tests run on: creates and drops the throwaway staging databases. */
@ApplicationScoped
public class StagingServer {
    private final VerifierConfig.Staging staging;

    public StagingServer(VerifierConfig config) {
        this.staging = config.staging();
    }

    /** The staging database name for a backup: prefix plus the backup id, lower case, SQL-safe. */
    public String databaseFor(String backupId) {
        return (staging.databasePrefix() + backupId).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }

    /** Creates an empty database, dropping a leftover of an earlier, interrupted attempt first. */
    public void create(String database) throws SQLException {
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + quote(database) + " WITH (FORCE)");
            st.execute("CREATE DATABASE " + quote(database) + " TEMPLATE template0");
        }
    }

    public void drop(String database) throws SQLException {
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + quote(database) + " WITH (FORCE)");
        }
    }

    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", staging.user());
        staging.password().ifPresent(p -> properties.setProperty("password", p));
        properties.setProperty("ApplicationName", "amyterm-backup-verifier");
        properties.setProperty("connectTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://" + staging.host() + ":" + staging.port() + "/" + database,
                properties);
    }

    public VerifierConfig.Staging settings() {
        return staging;
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
