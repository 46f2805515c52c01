package org.amyterm.backup.contracts;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a database held when it was dumped, read in the dump's own snapshot, so a restore test can
 * tell that everything came back: the names of its tables, views, indexes, constraints, functions
 * and triggers (outside system schemas and extensions), its sequences with their values, its count
 * of large objects, and content checksums of a deterministic sample of rows of each table with a
 * primary key. Names are schema objects, never row data.
 */
public record Inventory(
        List<String> tables,
        List<String> views,
        List<String> indexes,
        List<String> constraints,
        Map<String, String> sequences,
        List<String> functions,
        List<String> triggers,
        long largeObjects,
        List<Sample> samples) {

    public Inventory {
        tables = copy(tables);
        views = copy(views);
        indexes = copy(indexes);
        constraints = copy(constraints);
        sequences = sequences == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(sequences));
        functions = copy(functions);
        triggers = copy(triggers);
        samples = samples == null ? List.of() : List.copyOf(samples);
    }

    private static List<String> copy(List<String> names) {
        return names == null ? List.of() : List.copyOf(names);
    }

    /**
     * The rows of {@code table} whose primary key hashes into bucket 0 of {@code buckets}: how many
     * there were and the sha256 of their sorted row digests. Equal after a restore means the same
     * content, whatever order the rows come back in.
     */
    public record Sample(String table, List<String> key, int buckets, long rows, String sha256) {
        public Sample {
            Require.text(table, "table");
            key = key == null ? List.of() : List.copyOf(key);
            if (buckets < 1) {
                throw new IllegalArgumentException("buckets must be 1 or more");
            }
            Require.notNegative(rows, "rows");
            Require.text(sha256, "sha256");
        }
    }
}
