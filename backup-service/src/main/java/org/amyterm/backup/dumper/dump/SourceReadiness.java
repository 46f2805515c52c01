package org.amyterm.backup.dumper.dump;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.amyterm.backup.dumper.config.SourceDatabase;
import org.amyterm.backup.dumper.config.SourceDatabases;
import org.amyterm.backup.dumper.config.SourceServer;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while every source server accepts the backup role's login (each tried for at most
 * {@value #TIMEOUT_SECONDS} s, on one of its databases): a dump needs it. The data names each server
 * as user@host:port and, when down, why; never a password.
 */
@Readiness
@ApplicationScoped
public class SourceReadiness implements HealthCheck {
    static final int TIMEOUT_SECONDS = 3;
    private static final org.postgresql.Driver DRIVER = new org.postgresql.Driver();

    private final SourceDatabases databases;

    public SourceReadiness(SourceDatabases databases) {
        this.databases = databases;
    }

    @Override
    public HealthCheckResponse call() {
        Map<SourceServer, String> oneDatabaseEach = new LinkedHashMap<>();
        for (SourceDatabase database : databases.all()) {
            oneDatabaseEach.putIfAbsent(database.server(), database.name());
        }
        return check(oneDatabaseEach);
    }

    static HealthCheckResponse check(Map<SourceServer, String> oneDatabaseEach) {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("source-servers").up();
        oneDatabaseEach.forEach((server, database) -> {
            String problem = loginProblem(server, database);
            response.withData(server.name(), server.where() + (problem == null ? ": ok" : ": " + problem));
            if (problem != null) {
                response.down();
            }
        });
        return response.build();
    }

    /** Why the backup role cannot log in to the server now, or null when it can. */
    private static String loginProblem(SourceServer server, String database) {
        Properties properties = new Properties();
        properties.setProperty("user", server.user());
        properties.setProperty("ApplicationName", "amyterm-backup readiness");
        properties.setProperty("connectTimeout", Integer.toString(TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", Integer.toString(TIMEOUT_SECONDS));
        properties.setProperty("socketTimeout", Integer.toString(TIMEOUT_SECONDS));
        try {
            server.password().ifPresent(p -> properties.setProperty("password", p));
        } catch (java.io.UncheckedIOException e) {
            return "its password cannot be read (" + e.getMessage() + ")";
        }
        try (Connection c = DRIVER.connect(server.jdbcUrl(database), properties); Statement st = c.createStatement()) {
            st.execute("SELECT 1");
            return null;
        } catch (SQLException e) {
            return e.getSQLState() == null ? e.getMessage() : e.getMessage() + " [SQLSTATE " + e.getSQLState() + "]";
        }
    }
}
