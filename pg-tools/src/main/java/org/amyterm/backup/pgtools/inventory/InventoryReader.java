package org.amyterm.backup.pgtools.inventory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amyterm.backup.contracts.Inventory;

/**
 * Reads a database's {@link Inventory}: the same queries at dump time (in the dump's snapshot, with
 * pg_dump's exclusions) and on the restored copy (nothing excluded), so the two compare like for
 * like. User objects only: system schemas and objects an extension created are left out, as
 * pg_dump leaves them to {@code CREATE EXTENSION}.
 */
public final class InventoryReader {
    /** Schemas that are not the application's, and objects that belong to an extension. */
    private static final String USER_SCHEMA = "n.nspname NOT IN ('pg_catalog', 'information_schema') "
            + "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%' AND NOT n.nspname ~ ?";
    private static final String NOT_IN_EXTENSION = "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = %s::regclass "
            + "AND d.objid = %s AND d.deptype = 'e')";
    private static final String TABLE_KEPT = "NOT (n.nspname || '.' || t.relname) ~ ?";

    private final Connection connection;
    private final Exclusions exclusions;

    /**
     * {@code exclusions}: regular expressions of the schemas and of the {@code schema.table} names
     * the dump left out ({@code ^$} for none).
     */
    public InventoryReader(Connection connection, Exclusions exclusions) {
        this.connection = connection;
        this.exclusions = exclusions;
    }

    /** What pg_dump was told to leave out, as regular expressions over schema and schema.table names. */
    public record Exclusions(String schemas, String tables) {
        public static final Exclusions NONE = new Exclusions("^$", "^$");
    }

    /**
     * Sequences and their last values. Sequence values are not transactional: read them before the
     * dump starts, so the value restored (what pg_dump read later) is at or past the one recorded.
     * A sequence never called records {@code not called}; one that counts down or cycles records
     * {@code any}, as no order can be assumed of its values.
     */
    public Map<String, String> sequences() throws SQLException {
        Map<String, String> values = new LinkedHashMap<>();
        each("SELECT quote_ident(n.nspname) || '.' || quote_ident(t.relname), "
                + "CASE WHEN s.seqincrement < 0 OR s.seqcycle THEN 'any' "
                + "ELSE coalesce(pg_sequence_last_value(t.oid)::text, 'not called') END "
                + "FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_sequence s ON s.seqrelid = t.oid "
                + "WHERE t.relkind = 'S' AND " + USER_SCHEMA + " AND " + TABLE_KEPT + " AND "
                + NOT_IN_EXTENSION.formatted("'pg_class'", "t.oid"), true, rs -> values.put(rs.getString(1), rs.getString(2)));
        return values;
    }

    /** The inventory, with {@code sequences} as read before the dump and {@code samples} as taken. */
    public Inventory read(Map<String, String> sequences, List<Inventory.Sample> samples) throws SQLException {
        return new Inventory(relations("'r', 'p'"), relations("'v', 'm'"), indexes(), constraints(), sequences,
                functions(), triggers(), largeObjects(), samples);
    }

    /** Tables with a primary key, with its columns in key order: what {@link RowSampler} samples. */
    public Map<String, List<String>> primaryKeys() throws SQLException {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        each("SELECT quote_ident(n.nspname) || '.' || quote_ident(t.relname), "
                + "array_agg(quote_ident(a.attname) ORDER BY k.ord)::text[] "
                + "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
                + "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
                + "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
                + "WHERE i.indisprimary AND t.relkind IN ('r', 'p') AND " + USER_SCHEMA + " AND " + TABLE_KEPT + " AND "
                + NOT_IN_EXTENSION.formatted("'pg_class'", "t.oid") + " GROUP BY 1", true,
                rs -> keys.put(rs.getString(1), List.of((String[]) rs.getArray(2).getArray())));
        return keys;
    }

    private List<String> relations(String kinds) throws SQLException {
        return names("SELECT quote_ident(n.nspname) || '.' || quote_ident(t.relname) FROM pg_class t "
                + "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE t.relkind IN (" + kinds + ") AND " + USER_SCHEMA
                + " AND " + TABLE_KEPT + " AND " + NOT_IN_EXTENSION.formatted("'pg_class'", "t.oid"), true);
    }

    private List<String> indexes() throws SQLException {
        return names("SELECT quote_ident(n.nspname) || '.' || quote_ident(x.relname) FROM pg_index i "
                + "JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
                + "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE " + USER_SCHEMA + " AND " + TABLE_KEPT + " AND "
                + NOT_IN_EXTENSION.formatted("'pg_class'", "t.oid"), true);
    }

    private List<String> constraints() throws SQLException {
        return names("SELECT quote_ident(n.nspname) || '.' || quote_ident(t.relname) || '.' || quote_ident(c.conname) "
                + "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
                + "WHERE " + USER_SCHEMA + " AND " + TABLE_KEPT + " AND " + NOT_IN_EXTENSION.formatted("'pg_class'", "t.oid"),
                true);
    }

    private List<String> functions() throws SQLException {
        return names("SELECT quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' "
                + "|| pg_get_function_identity_arguments(p.oid) || ')' FROM pg_proc p "
                + "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " + USER_SCHEMA + " AND "
                + NOT_IN_EXTENSION.formatted("'pg_proc'", "p.oid"), false);
    }

    private List<String> triggers() throws SQLException {
        return names("SELECT quote_ident(n.nspname) || '.' || quote_ident(t.relname) || '.' || quote_ident(g.tgname) "
                + "FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
                + "WHERE NOT g.tgisinternal AND " + USER_SCHEMA + " AND " + TABLE_KEPT + " AND "
                + NOT_IN_EXTENSION.formatted("'pg_class'", "t.oid"), true);
    }

    private long largeObjects() throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("SELECT count(*) FROM pg_largeobject_metadata");
                ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<String> names(String sql, boolean tableFilter) throws SQLException {
        List<String> names = new ArrayList<>();
        each(sql, tableFilter, rs -> names.add(rs.getString(1)));
        return names;
    }

    /** Runs {@code sql} ordered by its first column, the schema exclusion its first parameter and the table exclusion (if any) its second. */
    private void each(String sql, boolean tableFilter, Row row) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(sql + " ORDER BY 1")) {
            st.setString(1, exclusions.schemas());
            if (tableFilter) {
                st.setString(2, exclusions.tables());
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs);
                }
            }
        }
    }

    private interface Row {
        void accept(ResultSet rs) throws SQLException;
    }
}
