package org.amyterm.backup.verifier.contents;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.pgtools.archive.ArchiveToc;
import org.amyterm.backup.pgtools.archive.QualifiedName;
import org.amyterm.backup.pgtools.archive.TocEntry;

/**
 * What a backup holds, from its archive's table of contents: schemas, tables and views (with the
 * row count and size the dump recorded; null where it recorded none), sequences, functions, the number of
 * large objects, and every entry as {@code pg_restore -l} lists it. How much of the object was
 * downloaded to read it is part of the answer. Names only, never row data.
 */
public record BackupContents(
        String database,
        String backupId,
        String archiveVersion,
        String pgDumpVersion,
        String serverVersion,
        long objectBytes,
        long objectBytesRead,
        List<String> schemas,
        List<Relation> tables,
        List<String> sequences,
        List<String> functions,
        long largeObjects,
        List<String> entries) {

    /** A table, view or materialized view: its kind, schema, name, and the rows and bytes the dump recorded. */
    public record Relation(String kind, String schema, String name, Long rows, Long bytes) {
    }

    /** Values recorded by quote_ident names ({@code public."Odd.Name"}), by the raw names the archive's entries carry. */
    private static Map<String, Long> byName(Map<String, Long> recorded) {
        Map<String, Long> byName = new HashMap<>();
        recorded.forEach((table, value) -> {
            try {
                byName.put(QualifiedName.parse(table).toString(), value);
            } catch (IllegalArgumentException notAName) {
                // recorded under a name that is not SCHEMA.TABLE: it cannot be matched, and is shown as unknown
            }
        });
        return byName;
    }

    static BackupContents of(Manifest manifest, ArchiveToc toc, long objectBytesRead) {
        Map<String, Long> rows = byName(manifest.tableRowCounts());
        Map<String, Long> bytes = byName(manifest.dumpDetails() == null || manifest.dumpDetails().tableBytes() == null
                ? Map.of() : manifest.dumpDetails().tableBytes());
        List<String> schemas = new ArrayList<>();
        List<Relation> tables = new ArrayList<>();
        List<String> sequences = new ArrayList<>();
        List<String> functions = new ArrayList<>();
        long blobs = 0;
        for (TocEntry e : toc.entries()) {
            switch (e.desc()) {
                case "SCHEMA" -> schemas.add(e.tag());
                case "TABLE", "VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE" -> tables.add(new Relation(
                        e.desc().toLowerCase(java.util.Locale.ROOT), e.namespace(), e.tag(),
                        rows.get(e.namespace() + "." + e.tag()), bytes.get(e.namespace() + "." + e.tag())));
                case "SEQUENCE" -> sequences.add(e.namespace() + "." + e.tag());
                case "FUNCTION", "PROCEDURE", "AGGREGATE" -> functions.add(e.namespace() + "." + e.tag());
                case "BLOB" -> blobs++;
                default -> {
                }
            }
        }
        tables.stream().map(Relation::schema).distinct().filter(s -> !schemas.contains(s)).forEach(schemas::add);
        long largeObjects = manifest.dumpDetails() != null && manifest.dumpDetails().inventory() != null
                ? manifest.dumpDetails().inventory().largeObjects() : blobs;
        return new BackupContents(manifest.database(), manifest.backupId(), toc.version(), toc.pgDumpVersion(),
                toc.serverVersion(), manifest.object().bytes(), objectBytesRead, schemas, tables, sequences, functions,
                largeObjects, toc.listLines());
    }
}
