package org.amyterm.backup.dumper.dump;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;

/**
 * A read-only, repeatable-read transaction on the source database whose snapshot pg_dump shares
 * ({@code --snapshot}), so the row counts recorded here are exactly those in the dump.
 */
final class SourceSnapshot implements AutoCloseable {
    private final Connection connection;
    private final String snapshotId;

    private SourceSnapshot(Connection connection, String snapshotId) {
        this.connection = connection;
        this.snapshotId = snapshotId;
    }

    static SourceSnapshot open(SourceEndpoint source, String database, String backupId) {
        Properties properties = new Properties();
        properties.setProperty("user", source.user());
        source.password().ifPresent(p -> properties.setProperty("password", p));
        properties.setProperty("ApplicationName", "amyterm-backup");
        properties.setProperty("connectTimeout", "10");
        try {
            Connection connection = DriverManager.getConnection(source.jdbcUrl(database), properties);
            try {
                connection.setAutoCommit(false);
                try (Statement st = connection.createStatement()) {
                    st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                    // the counts run beside pg_dump: parallel workers would take the cores its backend needs
                    st.execute("SET LOCAL max_parallel_workers_per_gather = 0");
                    try (ResultSet rs = st.executeQuery("SELECT pg_export_snapshot()")) {
                        rs.next();
                        return new SourceSnapshot(connection, rs.getString(1));
                    }
                }
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
        } catch (SQLException e) {
            throw connectFailure(source, database, backupId, e);
        }
    }

    String snapshotId() {
        return snapshotId;
    }

    String serverVersion() throws SQLException {
        return single("SHOW server_version").orElse("unknown");
    }

    /** The result of an optional one-value query; empty if the query is blank or finds nothing. */
    Optional<String> optionalValue(String sql) throws SQLException {
        if (sql == null || sql.isBlank()) {
            return Optional.empty();
        }
        try (Statement st = connection.createStatement()) {
            st.execute("SAVEPOINT optional_value");
            try (ResultSet rs = st.executeQuery(sql)) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            } catch (SQLException missingTable) {
                st.execute("ROLLBACK TO SAVEPOINT optional_value");
                return Optional.empty();
            }
        }
    }

    /** Exact row counts of every user table, as {@code schema.table}. */
    Map<String, Long> rowCounts() throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) "
                        + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                        + "AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%' ORDER BY 1")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : tables) {
            try (Statement st = connection.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM ONLY " + table)) {
                rs.next();
                counts.put(table, rs.getLong(1));
            }
        }
        return counts;
    }

    private Optional<String> single(String sql) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
        }
    }

    @Override
    public void close() {
        try {
            connection.rollback();
            connection.close();
        } catch (SQLException ignored) {
            // closing a read-only transaction: nothing is lost
        }
    }

    static StageException connectFailure(SourceEndpoint source, String database, String backupId, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String where = source.user() + "@" + source.host() + ":" + source.port() + "/" + database;
        if (state.equals("28P01") || state.equals("28000")) {
            return new StageException(backupId, database, Stage.DUMP, FailureReason.SOURCE_AUTH_FAILED,
                    "PostgreSQL refused the backup credentials for " + where
                            + ": check the password in PGPASSWORD / PGPASSFILE and pg_hba.conf", e);
        }
        if (state.equals("3D000")) {
            return new StageException(backupId, database, Stage.DUMP, FailureReason.DATABASE_NOT_FOUND,
                    "database '" + database + "' does not exist on " + source.host() + ":" + source.port()
                            + ": check amyterm.backup.source.databases", e);
        }
        if (state.startsWith("08")) {
            return new StageException(backupId, database, Stage.DUMP, FailureReason.SOURCE_UNREACHABLE,
                    "cannot connect to PostgreSQL at " + source.host() + ":" + source.port()
                            + ": is the server running and reachable from the backup service? (" + e.getMessage() + ")", e);
        }
        return new StageException(backupId, database, Stage.DUMP, FailureReason.DUMP_FAILED,
                "reading " + where + " failed: " + e.getMessage(), e);
    }
}
