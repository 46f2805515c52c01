package org.amyterm.backup.pgtools.inventory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.amyterm.backup.contracts.Inventory;

/**
 * Content checksums of a deterministic sample of rows: those whose primary key's md5 falls into
 * bucket 0 of N. The same rows are chosen on any server and after any restore, and their digests
 * are sorted bytewise before hashing, so neither row order nor collation changes the result. Rows
 * are rendered with fixed output settings (ISO dates in UTC, exact floats, hex bytea) so two
 * servers print equal rows alike.
 */
public final class RowSampler {
    private static final List<String> FIXED_OUTPUT = List.of("SET DateStyle = 'ISO, MDY'", "SET IntervalStyle = 'postgres'",
            "SET TimeZone = 'UTC'", "SET extra_float_digits = 1", "SET bytea_output = 'hex'", "SET lc_monetary = 'C'");
    private static final String QUERY_CANCELED = "57014";

    private final Connection connection;

    public RowSampler(Connection connection) {
        this.connection = connection;
    }

    /**
     * Samples every table of {@code keys} in turn until {@code budget} is spent; a table whose
     * sample would overrun it is left out, and so are those after it (they are named in no sample).
     */
    public List<Inventory.Sample> take(Map<String, List<String>> keys, int buckets, Duration budget) throws SQLException {
        Instant deadline = Instant.now().plus(budget);
        List<Inventory.Sample> samples = new ArrayList<>();
        for (Map.Entry<String, List<String>> table : keys.entrySet()) {
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.toMillis() < 1) {
                break;
            }
            try {
                samples.add(sample(table.getKey(), table.getValue(), buckets, left));
            } catch (SQLException e) {
                if (QUERY_CANCELED.equals(e.getSQLState())) {
                    break; // the budget ran out inside this table
                }
                throw e;
            }
        }
        return samples;
    }

    /** The sample of one table, taken within {@code timeout} (a cancelled query throws SQLState 57014). */
    public Inventory.Sample sample(String table, List<String> key, int buckets, Duration timeout) throws SQLException {
        boolean inTransaction = !connection.getAutoCommit();
        try (Statement st = connection.createStatement()) {
            if (inTransaction) {
                st.execute("SAVEPOINT row_sample"); // a cancelled sample must not abort the caller's snapshot
            }
            try {
                for (String setting : FIXED_OUTPUT) {
                    st.execute(setting);
                }
                st.execute("SET statement_timeout = " + Math.max(1, timeout.toMillis()));
                String keyRow = "ROW(" + String.join(", ", key.stream().map(k -> "t." + k).toList()) + ")";
                try (ResultSet rs = st.executeQuery("SELECT count(*), encode(sha256(convert_to(coalesce(string_agg(d, '' "
                        + "ORDER BY d COLLATE \"C\"), ''), 'UTF8')), 'hex') FROM (SELECT md5(t::text) AS d FROM ONLY "
                        + table + " t WHERE (('x' || left(md5(" + keyRow + "::text), 7))::bit(28)::int) % " + buckets
                        + " = 0) s")) {
                    rs.next();
                    Inventory.Sample sample = new Inventory.Sample(table, key, buckets, rs.getLong(1), rs.getString(2));
                    st.execute("RESET statement_timeout");
                    if (inTransaction) {
                        st.execute("RELEASE SAVEPOINT row_sample");
                    }
                    return sample;
                }
            } catch (SQLException e) {
                if (inTransaction) {
                    st.execute("ROLLBACK TO SAVEPOINT row_sample");
                } else {
                    st.execute("RESET statement_timeout");
                }
                throw e;
            }
        }
    }
}
