package org.amyterm.backup.dumper.dump;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import org.amyterm.backup.dumper.config.SourceServer;
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
import org.amyterm.backup.contracts.Inventory;
import org.amyterm.backup.pgtools.inventory.InventoryReader;
import org.amyterm.backup.pgtools.inventory.RowSampler;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;

/**
 * A read-only, repeatable-read transaction on the source database whose snapshot pg_dump shares
 * ({@code --snapshot}), so the row counts recorded here are exactly those in the dump.
 */
final class SourceSnapshot implements AutoCloseable {
    private static final org.postgresql.Driver DRIVER = new org.postgresql.Driver();
    private final Connection connection;
    private final String snapshotId;

    private SourceSnapshot(Connection connection, String snapshotId) {
        this.connection = connection;
        this.snapshotId = snapshotId;
    }

    /**
     * Opens the snapshot. Every wait is bounded: connecting by {@code connectTimeout}, a lock the
     * counts need by {@code lockWait}, any one statement by {@code statementTimeout} (the dump's).
     * The transaction itself stays open, idle, for as long as pg_dump runs.
     */
    static SourceSnapshot open(SourceServer source, String database, String backupId, Duration connectTimeout,
            Duration lockWait, Duration statementTimeout) {
        Properties properties = new Properties();
        properties.setProperty("user", source.user());
        try {
            source.password().ifPresent(p -> properties.setProperty("password", p));
        } catch (java.io.UncheckedIOException e) {
            throw new StageException(backupId, database, Stage.DUMP, FailureReason.SOURCE_AUTH_FAILED,
                    "the password of server " + source.name() + " could not be read: " + e.getMessage(), e);
        }
        properties.setProperty("ApplicationName", "amyterm-backup");
        properties.setProperty("connectTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
        properties.setProperty("loginTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
        try {
            // the driver itself, not DriverManager, whose class-loader checks vary with who calls it
            Connection connection = DRIVER.connect(source.jdbcUrl(database), properties);
            try {
                connection.setAutoCommit(false);
                try (Statement st = connection.createStatement()) {
                    st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                    st.execute("SET LOCAL lock_timeout = " + lockWait.toMillis());
                    st.execute("SET LOCAL statement_timeout = " + statementTimeout.toMillis());
                    st.execute("SET LOCAL idle_in_transaction_session_timeout = 0");
                    // as pg_dump does: a policy that would hide rows is an error, never a silently short count
                    st.execute("SET LOCAL row_security = off");
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

    /** What the database takes on disk (pg_database_size). */
    long databaseSize() throws SQLException {
        return Long.parseLong(single("SELECT pg_database_size(current_database())").orElse("0"));
    }

    /** 15 for 15.4, 9 for 9.6 (server_version_num / 10000). */
    int serverMajor() throws SQLException {
        return Integer.parseInt(single("SHOW server_version_num").orElse("0")) / 10000;
    }

    /** Installed extensions as "name version", sorted. */
    List<String> extensions() throws SQLException {
        return strings("SELECT extname || ' ' || extversion FROM pg_extension ORDER BY 1");
    }

    /**
     * Roles the dumped objects reference: owners of schemas, tables, sequences, views, functions and
     * types outside the system schemas, the roles row-level security policies name, and the roles
     * granted privileges on them (the dump keeps its GRANTs) or named in default privileges; sorted.
     */
    List<String> referencedRoles() throws SQLException {
        return strings("""
                WITH user_ns AS (
                    SELECT oid, nspowner, nspacl FROM pg_namespace
                    WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%')
                SELECT DISTINCT r.rolname FROM pg_roles r WHERE r.oid IN (
                    SELECT nspowner FROM user_ns
                    UNION SELECT relowner FROM pg_class WHERE relnamespace IN (SELECT oid FROM user_ns)
                    UNION SELECT proowner FROM pg_proc WHERE pronamespace IN (SELECT oid FROM user_ns)
                    UNION SELECT typowner FROM pg_type WHERE typnamespace IN (SELECT oid FROM user_ns)
                    UNION SELECT unnest(polroles) FROM pg_policy
                    UNION SELECT (aclexplode(nspacl)).grantee FROM user_ns WHERE nspacl IS NOT NULL
                    UNION SELECT (aclexplode(relacl)).grantee FROM pg_class
                        WHERE relacl IS NOT NULL AND relnamespace IN (SELECT oid FROM user_ns)
                    UNION SELECT (aclexplode(proacl)).grantee FROM pg_proc
                        WHERE proacl IS NOT NULL AND pronamespace IN (SELECT oid FROM user_ns)
                    UNION SELECT (aclexplode(typacl)).grantee FROM pg_type
                        WHERE typacl IS NOT NULL AND typnamespace IN (SELECT oid FROM user_ns)
                    UNION SELECT defaclrole FROM pg_default_acl
                    UNION SELECT (aclexplode(defaclacl)).grantee FROM pg_default_acl)
                ORDER BY 1""");
    }

    private List<String> strings(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
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

    /**
     * Exact row counts of every user table the dump holds, as {@code schema.table}: tables in the
     * excluded schemas, and excluded tables, are left out as pg_dump leaves them out.
     */
    Map<String, Long> rowCounts(List<String> excludeSchemas, List<String> excludeTables) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement("SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) "
                        + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                        + "AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%' "
                        + "AND NOT n.nspname ~ ? AND NOT (n.nspname || '.' || c.relname) ~ ? ORDER BY 1")) {
            st.setString(1, anyOf(excludeSchemas));
            st.setString(2, anyOf(excludeTables));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
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

    /** Each of {@code tables}' size with its indexes and TOAST ({@code pg_total_relation_size}), by the same names. */
    Map<String, Long> tableBytes(java.util.Collection<String> tables) throws SQLException {
        Map<String, Long> sizes = new LinkedHashMap<>();
        try (PreparedStatement st = connection.prepareStatement("SELECT pg_total_relation_size(?::regclass)")) {
            for (String table : tables) {
                st.setString(1, table);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    sizes.put(table, rs.getLong(1));
                }
            }
        }
        return sizes;
    }

    /** Sequence values as they are before pg_dump starts (see {@link InventoryReader#sequences()}). */
    Map<String, String> sequences(List<String> excludeSchemas, List<String> excludeTables) throws SQLException {
        return inventoryReader(excludeSchemas, excludeTables).sequences();
    }

    /**
     * The inventory of what the dump holds, with content checksums of sampled rows taken within
     * {@code sampleBudget}; read after pg_dump started, in its snapshot.
     */
    Inventory inventory(List<String> excludeSchemas, List<String> excludeTables, Map<String, String> sequences,
            int sampleBuckets, Duration sampleBudget) throws SQLException {
        InventoryReader reader = inventoryReader(excludeSchemas, excludeTables);
        List<Inventory.Sample> samples = new RowSampler(connection).take(reader.primaryKeys(), sampleBuckets, sampleBudget);
        return reader.read(sequences, samples);
    }

    private InventoryReader inventoryReader(List<String> excludeSchemas, List<String> excludeTables) {
        return new InventoryReader(connection, new InventoryReader.Exclusions(anyOf(excludeSchemas), anyOf(excludeTables)));
    }

    /**
     * A regular expression matching what any of pg_dump's name patterns match: unquoted names fold
     * to lower case, {@code *} is any text and {@code ?} one character; none matches nothing.
     */
    static String anyOf(List<String> patterns) {
        if (patterns.isEmpty()) {
            return "^$"; // no schema or table has an empty name
        }
        StringBuilder regex = new StringBuilder("^(");
        for (int i = 0; i < patterns.size(); i++) {
            if (i > 0) {
                regex.append('|');
            }
            for (char c : patterns.get(i).toLowerCase(java.util.Locale.ROOT).toCharArray()) {
                switch (c) {
                    case '*' -> regex.append(".*");
                    case '?' -> regex.append('.');
                    case '$', '.' -> regex.append('\\').append(c);
                    default -> regex.append(c);
                }
            }
        }
        return regex.append(")$").toString();
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

    static StageException connectFailure(SourceServer source, String database, String backupId, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String where = source.where() + "/" + database;
        if (state.equals("28P01") || state.equals("28000")) {
            return new StageException(backupId, database, Stage.DUMP, FailureReason.SOURCE_AUTH_FAILED,
                    "PostgreSQL refused the backup credentials for " + where
                            + " (server " + source.name() + "): check its password (password-file, password-env, "
                            + "PGPASSWORD or PGPASSFILE) and pg_hba.conf", e);
        }
        if (state.equals("3D000")) {
            return new StageException(backupId, database, Stage.DUMP, FailureReason.DATABASE_NOT_FOUND,
                    "database '" + database + "' does not exist on " + source.host() + ":" + source.port()
                            + " (server " + source.name() + "): check amyterm.backup.source.databases or "
                            + "amyterm.backup.databases", e);
        }
        if (state.equals("42501")) {
            return new StageException(backupId, database, Stage.DUMP, FailureReason.SOURCE_AUTH_FAILED,
                    "the backup role " + source.user() + " may not read everything in " + where + ": " + e.getMessage()
                            + " (grant it pg_read_all_data; tables with row-level security need BYPASSRLS)", e);
        }
        if (state.equals("55P03") || state.equals("57014")) {
            return new StageException(backupId, database, Stage.DUMP, FailureReason.DUMP_FAILED,
                    "reading " + where + " waited too long for a lock or a statement (amyterm.backup.dump."
                            + "lock-wait-timeout / timeout): " + e.getMessage(), e);
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
