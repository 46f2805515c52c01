package org.amyterm.backup.verifier.operator;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A federation trust configuration: the signing keys a node trusts, as {@code key_id sha256} lines
 * (the sha256 of each key's PEM). Read from a restored Amy-Term database's {@code federation_trust}
 * (keys not revoked), or from the operator's {@code --trust-config} file (blank lines and {@code #}
 * comments ignored), and compared before a restore lets federation run on the target.
 */
final class TrustConfig {
    private TrustConfig() {
    }

    /** The database's trust configuration, or empty when it has no federation tables. */
    static Optional<List<String>> of(Connection database) throws SQLException {
        try (Statement st = database.createStatement()) {
            try (ResultSet exists = st.executeQuery("SELECT to_regclass('federation_trust') IS NOT NULL")) {
                exists.next();
                if (!exists.getBoolean(1)) {
                    return Optional.empty();
                }
            }
            List<String> keys = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT key_id || ' ' || encode(sha256(convert_to(public_key_pem, 'UTF8')), "
                    + "'hex') FROM federation_trust WHERE NOT revoked ORDER BY 1")) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
            return Optional.of(keys);
        }
    }

    /** Revokes, in a restored database, the keys of {@code keys} ({@code key_id sha256} lines); returns how many. */
    static int revoke(Connection database, List<String> keys) throws SQLException {
        try (java.sql.PreparedStatement st = database.prepareStatement("UPDATE federation_trust SET revoked = true "
                + "WHERE NOT revoked AND key_id || ' ' || encode(sha256(convert_to(public_key_pem, 'UTF8')), 'hex') = ANY (?)")) {
            st.setArray(1, database.createArrayOf("text", keys.toArray()));
            return st.executeUpdate();
        }
    }

    /** Of {@code backup}'s keys, those {@code given} does not trust. */
    static List<String> onlyIn(List<String> backup, List<String> given) {
        return backup.stream().filter(k -> !given.contains(k)).sorted().toList();
    }

    /** The lines of a trust configuration file that name keys, normalised. */
    static List<String> parse(List<String> lines) {
        return lines.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .map(l -> String.join(" ", l.split("\\s+"))).sorted().toList();
    }

    /** What differs, for people: keys only the backup trusts, and keys only the given configuration trusts. */
    static List<String> differences(List<String> backup, List<String> given) {
        List<String> differences = new ArrayList<>();
        new TreeSet<>(backup).stream().filter(k -> !given.contains(k)).forEach(k -> differences.add("the backup trusts " + k
                + ", the given configuration does not"));
        new TreeSet<>(given).stream().filter(k -> !backup.contains(k)).forEach(k -> differences.add("the given configuration "
                + "trusts " + k + ", the backup does not"));
        return differences;
    }
}
