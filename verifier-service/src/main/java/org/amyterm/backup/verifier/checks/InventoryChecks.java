package org.amyterm.backup.verifier.checks;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.DumpDetails;
import org.amyterm.backup.contracts.Inventory;
import org.amyterm.backup.pgtools.inventory.InventoryReader;
import org.amyterm.backup.pgtools.inventory.RowSampler;

/**
 * The generic profile's comparison of a restored database with the inventory its dump recorded:
 * every object is there, sequences are at or past their recorded values, the extensions, the roles
 * it references and the large objects are there, and the sampled rows have the content they had. Details name objects and
 * counts, never row values.
 */
final class InventoryChecks {
    private static final int NAMES_SHOWN = 10;

    private final Duration sampleTimeout;

    /** {@code sampleTimeout}: how long re-sampling the restored rows may take in all. */
    InventoryChecks(Duration sampleTimeout) {
        this.sampleTimeout = sampleTimeout;
    }

    List<CheckResult> run(Connection restored, DumpDetails details) {
        return run(restored, details, null);
    }

    /**
     * {@code onlySchema} set: the restored objects are that schema of a database that holds others (a
     * restore beside a running database), so only it is read, and what belongs to the whole database
     * (extensions, roles, large objects) is not compared.
     */
    List<CheckResult> run(Connection restored, DumpDetails details, String onlySchema) {
        boolean wholeDatabase = onlySchema == null;
        if (details == null || details.inventory() == null) {
            return List.of(CheckResult.pass("inventory", "not recorded by this backup (taken before inventories); "
                    + "objects, sequences and sampled rows not compared").took(0));
        }
        Inventory recorded = details.inventory();
        List<CheckResult> results = new ArrayList<>();
        try {
            long started = System.nanoTime();
            // a PostgreSQL regular expression leaving out every schema but that one (a name of [a-z0-9_] only)
            InventoryReader reader = new InventoryReader(restored, wholeDatabase ? InventoryReader.Exclusions.NONE
                    : new InventoryReader.Exclusions("^(?!" + onlySchema + "$)", "^$"));
            Inventory now = reader.read(reader.sequences(), List.of());
            // the catalogue read is the objects check's cost
            results.add(objects(recorded, now).took((System.nanoTime() - started) / 1_000_000));
            results.add(Timed.check(() -> sequences(recorded.sequences(), now.sequences())));
            if (!wholeDatabase) {
                results.add(Timed.check(() -> samples(restored, recorded.samples())));
                return results;
            }
            results.add(extensions(restored, details.extensions()));
            results.add(roles(restored, details.roles()));
            results.add(Timed.check(() -> recorded.largeObjects() == now.largeObjects()
                    ? CheckResult.pass("large-objects", now.largeObjects() + " large objects, as in the dump")
                    : CheckResult.fail("large-objects", now.largeObjects() + " large objects restored, the dump had "
                            + recorded.largeObjects())));
        } catch (SQLException e) {
            results.add(CheckResult.fail("inventory", "reading the restored database's catalogue failed: " + e.getMessage()));
        }
        results.add(Timed.check(() -> samples(restored, recorded.samples())));
        return results;
    }

    private static CheckResult objects(Inventory recorded, Inventory now) {
        Map<String, List<String>> missing = new LinkedHashMap<>();
        missing(missing, "table", recorded.tables(), now.tables());
        missing(missing, "view", recorded.views(), now.views());
        missing(missing, "index", recorded.indexes(), now.indexes());
        missing(missing, "constraint", recorded.constraints(), now.constraints());
        missing(missing, "function", recorded.functions(), now.functions());
        missing(missing, "trigger", recorded.triggers(), now.triggers());
        String counted = recorded.tables().size() + " tables, " + recorded.views().size() + " views, "
                + recorded.indexes().size() + " indexes, " + recorded.constraints().size() + " constraints, "
                + recorded.functions().size() + " functions, " + recorded.triggers().size() + " triggers";
        if (missing.isEmpty()) {
            return CheckResult.pass("inventory", counted + ": all present");
        }
        List<String> parts = new ArrayList<>();
        missing.forEach((kind, names) -> parts.add(kind + " " + shown(names)));
        return CheckResult.fail("inventory", "missing after restore: " + String.join("; ", parts) + " (of " + counted + ")");
    }

    private static void missing(Map<String, List<String>> missing, String kind, List<String> recorded, List<String> now) {
        Set<String> present = new HashSet<>(now);
        List<String> absent = recorded.stream().filter(name -> !present.contains(name)).toList();
        if (!absent.isEmpty()) {
            missing.put(kind, absent);
        }
    }

    /** A recorded value is a floor: pg_dump read the sequence after the inventory did, and sequences only advance. */
    private static CheckResult sequences(Map<String, String> recorded, Map<String, String> now) {
        List<String> problems = new ArrayList<>();
        recorded.forEach((sequence, value) -> {
            String restored = now.get(sequence);
            if (restored == null) {
                problems.add(sequence + " is missing");
            } else if (isNumber(value) && !(isNumber(restored) && new BigInteger(restored).compareTo(new BigInteger(value)) >= 0)) {
                problems.add(sequence + " restored at " + restored + ", the dump saw it at " + value);
            }
        });
        return problems.isEmpty()
                ? CheckResult.pass("sequences", recorded.size() + " sequences, at or past their recorded values")
                : CheckResult.fail("sequences", shown(problems));
    }

    private static boolean isNumber(String value) {
        return value.matches("-?\\d+");
    }

    private static CheckResult extensions(Connection restored, List<String> recorded) throws SQLException {
        long started = System.nanoTime();
        Set<String> installed = names(restored, "SELECT extname FROM pg_extension");
        // recorded as "name version": the staging server may install another version, which is not a loss
        List<String> absent = recorded.stream().map(e -> e.split(" ", 2)[0]).filter(name -> !installed.contains(name)).toList();
        return (absent.isEmpty()
                ? CheckResult.pass("extensions", recorded.size() + " extensions installed")
                : CheckResult.fail("extensions", "not installed after restore: " + shown(absent)))
                .took((System.nanoTime() - started) / 1_000_000);
    }

    /** The roles the dump references (owners, policy roles, grantees) exist where it was restored. */
    private static CheckResult roles(Connection restored, List<String> referenced) throws SQLException {
        long started = System.nanoTime();
        Set<String> existing = names(restored, "SELECT rolname FROM pg_roles");
        List<String> missing = referenced.stream().filter(role -> !existing.contains(role)).toList();
        return (missing.isEmpty()
                ? CheckResult.pass("roles", referenced.size() + " roles the dump references exist")
                : CheckResult.fail("roles", "roles the dump references are missing: " + shown(missing)))
                .took((System.nanoTime() - started) / 1_000_000);
    }

    private static Set<String> names(Connection restored, String sql) throws SQLException {
        Set<String> names = new HashSet<>();
        try (Statement st = restored.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private CheckResult samples(Connection restored, List<Inventory.Sample> recorded) {
        if (recorded.isEmpty()) {
            return CheckResult.pass("sampled-rows", "no table with a primary key was sampled at dump time");
        }
        Instant deadline = Instant.now().plus(sampleTimeout);
        RowSampler sampler = new RowSampler(restored);
        List<String> differences = new ArrayList<>();
        long rows = 0;
        for (Inventory.Sample sample : recorded) {
            try {
                Inventory.Sample now = sampler.sample(sample.table(), sample.key(), sample.buckets(),
                        Duration.between(Instant.now(), deadline));
                rows += now.rows();
                if (now.rows() != sample.rows()) {
                    differences.add(sample.table() + ": " + now.rows() + " sampled rows, the dump had " + sample.rows());
                } else if (!now.sha256().equals(sample.sha256())) {
                    differences.add(sample.table() + ": the sampled rows' content differs from the dump's");
                }
            } catch (SQLException e) {
                differences.add(sample.table() + ": " + e.getMessage());
            }
        }
        return differences.isEmpty()
                ? CheckResult.pass("sampled-rows", recorded.size() + " tables, " + rows + " rows sampled by key (1 in "
                        + recorded.get(0).buckets() + "), content equal to the dump's")
                : CheckResult.fail("sampled-rows", shown(differences));
    }

    private static String shown(List<String> items) {
        return items.size() <= NAMES_SHOWN ? String.join(", ", items)
                : String.join(", ", items.subList(0, NAMES_SHOWN)) + " and " + (items.size() - NAMES_SHOWN) + " more";
    }
}
