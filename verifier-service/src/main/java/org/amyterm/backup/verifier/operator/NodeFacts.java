package org.amyterm.backup.verifier.operator;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.amyterm.backup.contracts.NodeRole;

/**
 * What an Amy-Term database says of itself, read from a restored copy when no manifest says it:
 * its federation role ({@code federation_node} where {@code is_self}) and its schema version. A
 * database without those tables has neither.
 */
final class NodeFacts {
    private NodeFacts() {
    }

    static NodeRole role(Connection database) throws SQLException {
        return NodeRole.fromCode(value(database, "federation_node",
                "SELECT role FROM federation_node WHERE is_self LIMIT 1").orElse(null));
    }

    static Optional<String> schemaVersion(Connection database) throws SQLException {
        return value(database, "schema_version",
                "SELECT version FROM schema_version ORDER BY applied_at DESC, version DESC LIMIT 1");
    }

    private static Optional<String> value(Connection database, String table, String sql) throws SQLException {
        try (Statement st = database.createStatement()) {
            try (ResultSet exists = st.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
                exists.next();
                if (!exists.getBoolean(1)) {
                    return Optional.empty();
                }
            }
            try (ResultSet rs = st.executeQuery(sql)) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
