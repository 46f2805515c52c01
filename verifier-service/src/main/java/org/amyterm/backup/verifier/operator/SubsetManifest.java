package org.amyterm.backup.verifier.operator;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.amyterm.backup.contracts.DumpDetails;
import org.amyterm.backup.contracts.Inventory;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.pgtools.archive.QualifiedName;
import org.amyterm.backup.pgtools.archive.SubsetSelection;
import org.amyterm.backup.pgtools.archive.TocEntry;

/**
 * A manifest limited to a subset, so the checks of a selective restore expect exactly what it
 * restores: the row counts, inventory (tables, views, indexes, constraints, functions, triggers,
 * sequences, sampled rows) and extensions the dump recorded for the chosen objects, no large objects,
 * and the generic profile (the application's checks need the whole database). For a restore into
 * another schema, the names of what moves there are renamed to it, and what stays outside it
 * (functions, sequences no moved table owns) is not expected there.
 */
final class SubsetManifest {
    private SubsetManifest() {
    }

    static Manifest limitedTo(Manifest manifest, SubsetSelection.Subset subset) {
        return limited(manifest, subset, null);
    }

    static Manifest movedInto(Manifest manifest, SubsetSelection.Subset subset, String schema) {
        return limited(manifest, subset, schema);
    }

    private static Manifest limited(Manifest manifest, SubsetSelection.Subset subset, String into) {
        Set<String> relations = keys(subset.relations(), e -> List.of(e.namespace(), e.tag()));
        Set<String> tables = keys(subset.of("TABLE DATA"), e -> List.of(e.namespace(), e.tag()));
        Set<String> indexes = keys(subset.entries().stream().filter(e -> e.desc().equals("INDEX")
                || e.desc().equals("CONSTRAINT")).toList(), e -> List.of(e.namespace(), e.desc().equals("INDEX")
                        ? e.tag() : secondWord(e.tag())));
        Set<String> leftOut = keys(subset.leftOut().stream().map(SubsetSelection.LeftOut::entry).toList(),
                e -> List.of(e.namespace(), firstWord(e.tag()), secondWord(e.tag())));
        Set<String> triggers = keys(subset.of("TRIGGER"), e -> List.of(e.namespace(), firstWord(e.tag()), secondWord(e.tag())));
        Set<String> functions = keys(subset.entries().stream().filter(e -> List.of("FUNCTION", "PROCEDURE", "AGGREGATE")
                .contains(e.desc())).toList(), e -> List.of(e.namespace(), e.tag().substring(0, Math.max(0, e.tag().indexOf('(')))));
        List<TocEntry> sequenceEntries = into == null ? subset.of("SEQUENCE") : subset.of("SEQUENCE").stream()
                .filter(s -> s.dependencies().stream().anyMatch(d -> subset.relations().stream()
                        .anyMatch(r -> r.dumpId() == d))).toList();
        Set<String> sequences = keys(sequenceEntries, e -> List.of(e.namespace(), e.tag()));
        Set<String> extensions = new HashSet<>(subset.of("EXTENSION").stream().map(TocEntry::tag).toList());
        UnaryOperator<String> rename = into == null ? name -> name : name -> withSchema(name, into);

        Map<String, Long> counts = new LinkedHashMap<>();
        manifest.tableRowCounts().forEach((table, rows) -> {
            if (tables.contains(key(table))) {
                counts.put(rename.apply(table), rows);
            }
        });
        DumpDetails details = manifest.dumpDetails();
        DumpDetails limited = null;
        if (details != null) {
            Inventory recorded = details.inventory();
            Inventory inventory = recorded == null ? null : new Inventory(
                    kept(recorded.tables(), n -> relations.contains(key(n)), rename),
                    kept(recorded.views(), n -> relations.contains(key(n)), rename),
                    kept(recorded.indexes(), n -> indexes.contains(key(n)), rename),
                    // a table's constraints come with it (checks and not-null ones inside its definition), but those left out
                    kept(recorded.constraints(), n -> relations.contains(key(n, 2)) && !leftOut.contains(key(n)), rename),
                    keptMap(recorded.sequences(), n -> sequences.contains(key(n)), rename),
                    into == null ? kept(recorded.functions(), n -> functions.contains(key(n)), rename) : List.of(),
                    kept(recorded.triggers(), n -> triggers.contains(key(n)), rename),
                    0,
                    recorded.samples().stream().filter(s -> tables.contains(key(s.table())))
                            .map(s -> new Inventory.Sample(rename.apply(s.table()), s.key(), s.buckets(), s.rows(), s.sha256()))
                            .toList());
            limited = new DumpDetails(details.server(), details.pgDumpOptions(), into == null
                    ? details.extensions().stream().filter(e -> extensions.contains(e.split(" ", 2)[0])).toList() : List.of(),
                    into == null ? details.roles() : List.of(), "generic", details.retentionClass(), details.rpo(),
                    details.rto(), inventory, details.requestedAt(), details.snapshotAt(), details.tableBytes());
        }
        return new Manifest(manifest.formatVersion(), manifest.backupId(), manifest.database(), manifest.reason(),
                manifest.nodeRole(), manifest.pgServerVersion(), manifest.pgDumpVersion(), manifest.schemaVersion(), counts,
                manifest.archive(), manifest.encryption(), manifest.object(), manifest.dumpStartedAt(),
                manifest.dumpFinishedAt(), manifest.storedAt(), limited, manifest.globals());
    }

    /** A quote_ident-style name ({@code ledger.entry}, {@code "My Schema".t}) with its schema replaced. */
    static String withSchema(String name, String schema) {
        boolean quoted = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '.' && !quoted) {
                return schema + name.substring(i);
            }
        }
        return name;
    }

    private static List<String> kept(List<String> names, Predicate<String> keep, UnaryOperator<String> rename) {
        return names.stream().filter(keep).map(rename).toList();
    }

    private static Map<String, String> keptMap(Map<String, String> values, Predicate<String> keep, UnaryOperator<String> rename) {
        Map<String, String> kept = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            if (keep.test(name)) {
                kept.put(rename.apply(name), value);
            }
        });
        return kept;
    }

    private static Set<String> keys(List<TocEntry> entries, java.util.function.Function<TocEntry, List<String>> parts) {
        Set<String> keys = new HashSet<>();
        entries.forEach(e -> keys.add(String.join("\u0000", parts.apply(e))));
        return keys;
    }

    /** A recorded (quoted) name as the raw parts the archive's entries carry. */
    private static String key(String quoted) {
        return String.join("\u0000", QualifiedName.parts(quoted));
    }

    /** The first {@code n} parts of a recorded name: the table of a constraint. */
    private static String key(String quoted, int n) {
        List<String> parts = QualifiedName.parts(quoted);
        return String.join("\u0000", parts.subList(0, Math.min(n, parts.size())));
    }

    private static String firstWord(String tag) {
        int space = tag.indexOf(' ');
        return space < 0 ? tag : tag.substring(0, space);
    }

    private static String secondWord(String tag) {
        int space = tag.indexOf(' ');
        return space < 0 ? "" : tag.substring(space + 1);
    }
}
