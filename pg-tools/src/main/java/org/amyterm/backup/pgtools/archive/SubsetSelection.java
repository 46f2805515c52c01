package org.amyterm.backup.pgtools.archive;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses the entries of an archive that restore chosen schemas and tables so they are usable, by
 * the dependencies pg_dump recorded: the tables (or every object of the schemas), what hangs on them
 * (their data, indexes, constraints, triggers, defaults, policies, owned sequences and their values,
 * comments and grants), and what they need that is not a table (their schemas, the functions their
 * defaults and triggers call, types, extensions, sequences). An object that needs a table outside the
 * subset (a foreign key to it, a view over it) is left out and named, never restored half.
 */
public final class SubsetSelection {
    private static final Set<String> RELATIONS = Set.of("TABLE", "VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE");
    /** Objects a table may need that are not data: pulled in when something chosen depends on them. */
    private static final Set<String> SUPPORT = Set.of("SCHEMA", "EXTENSION", "FUNCTION", "PROCEDURE", "AGGREGATE",
            "TYPE", "SHELL TYPE", "DOMAIN", "COLLATION", "SEQUENCE", "OPERATOR", "OPERATOR CLASS", "OPERATOR FAMILY",
            "CAST", "CONVERSION", "PROCEDURAL LANGUAGE", "TEXT SEARCH CONFIGURATION", "TEXT SEARCH DICTIONARY",
            "TEXT SEARCH PARSER", "TEXT SEARCH TEMPLATE");
    /** Objects that belong to what they depend on: chosen with it. */
    private static final Set<String> ATTACHED = Set.of("TABLE DATA", "MATERIALIZED VIEW DATA", "INDEX", "CONSTRAINT",
            "CHECK CONSTRAINT", "FK CONSTRAINT", "TRIGGER", "DEFAULT", "RULE", "POLICY", "ROW SECURITY",
            "SEQUENCE OWNED BY", "SEQUENCE SET", "COMMENT", "ACL", "SECURITY LABEL", "STATISTICS", "INDEX ATTACH",
            "TABLE ATTACH");

    private static final Set<String> TABLE_TAGGED = Set.of("CONSTRAINT", "CHECK CONSTRAINT", "FK CONSTRAINT",
            "TRIGGER", "DEFAULT", "POLICY", "RULE");

    /** Of what an object needs, the table says more to a person than that table's key constraint. */
    private static final java.util.Comparator<TocEntry> RELATION_FIRST =
            java.util.Comparator.comparing(e -> RELATIONS.contains(e.desc()) ? 0 : 1);

    private SubsetSelection() {
    }

    /** What to restore: the chosen entries in archive order, the relations among them, and what was left out and why. */
    public record Subset(List<TocEntry> entries, List<TocEntry> relations, List<LeftOut> leftOut) {
        public Subset {
            entries = List.copyOf(entries);
            relations = List.copyOf(relations);
            leftOut = List.copyOf(leftOut);
        }

        /** A {@code pg_restore --use-list} file's lines: exactly these entries. */
        public List<String> useList() {
            return entries.stream().filter(TocEntry::listed).map(TocEntry::listLine).toList();
        }

        /** The chosen entries of one kind ({@code EXTENSION}, {@code FUNCTION}…). */
        public List<TocEntry> of(String desc) {
            return entries.stream().filter(e -> e.desc().equals(desc)).toList();
        }
    }

    /** An object the subset does not restore, though it belongs to a chosen table, and why. */
    public record LeftOut(TocEntry entry, String why) {
        @Override
        public String toString() {
            return entry.describe() + " (" + why + ")";
        }
    }

    /** A schema or table named for the subset is not in the archive, or cannot be restored on its own. */
    public static final class NotInArchiveException extends IllegalArgumentException {
        NotInArchiveException(String message) {
            super(message);
        }
    }

    /**
     * The subset of {@code schemas} (every object in them) and {@code tables} ({@code SCHEMA.TABLE}),
     * without {@code excludeTables}.
     */
    public static Subset select(ArchiveToc toc, List<String> schemas, List<String> tables, List<String> excludeTables) {
        Map<Integer, TocEntry> byId = new HashMap<>();
        toc.entries().forEach(e -> byId.put(e.dumpId(), e));
        List<QualifiedName> named = tables.stream().map(QualifiedName::parse).toList();
        List<QualifiedName> excluded = excludeTables.stream().map(QualifiedName::parse).toList();
        for (String schema : schemas) {
            if (toc.entries().stream().noneMatch(e -> schema.equals(e.namespace()))) {
                throw new NotInArchiveException("the backup has no schema " + schema);
            }
        }
        Set<Integer> blocked = new LinkedHashSet<>();
        for (QualifiedName name : excluded) {
            blocked.add(relation(toc, name).dumpId());
        }
        boolean grew = true;
        while (grew) { // what belongs to an excluded table goes with it
            grew = false;
            for (TocEntry e : toc.entries()) {
                if (!blocked.contains(e.dumpId()) && (ATTACHED.contains(e.desc()) || e.desc().equals("SEQUENCE"))
                        && !e.dependencies().isEmpty() && e.dependencies().stream().allMatch(d -> blocked.contains(d)
                                || isSchema(byId.get(d)))) {
                    grew |= blocked.add(e.dumpId());
                }
            }
        }
        Set<Integer> chosen = new LinkedHashSet<>();
        Set<Integer> roots = new LinkedHashSet<>();
        for (QualifiedName name : named) {
            TocEntry table = relation(toc, name);
            if (blocked.contains(table.dumpId())) {
                throw new NotInArchiveException(name + " is both chosen and excluded");
            }
            roots.add(table.dumpId());
        }
        for (TocEntry e : toc.entries()) {
            boolean inSchema = e.namespace() != null && schemas.contains(e.namespace()) || e.desc().equals("SCHEMA") && schemas.contains(e.tag());
            if (inSchema && !blocked.contains(e.dumpId())) {
                chosen.add(e.dumpId());
            }
        }
        chosen.addAll(roots);
        Map<Integer, String> removed = new LinkedHashMap<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Integer id : List.copyOf(chosen)) { // what the chosen need
                for (Integer d : byId.get(id).dependencies()) {
                    TocEntry need = byId.get(d);
                    if (need != null && !chosen.contains(d) && !blocked.contains(d) && !removed.containsKey(d)
                            && SUPPORT.contains(need.desc())) {
                        changed |= chosen.add(d);
                    }
                }
            }
            for (TocEntry e : toc.entries()) { // what belongs to the chosen
                if (!chosen.contains(e.dumpId()) && !blocked.contains(e.dumpId()) && !removed.containsKey(e.dumpId())
                        && attachable(e, chosen, byId) && satisfiable(e, chosen, blocked, removed, byId)) {
                    changed |= chosen.add(e.dumpId());
                }
            }
            int before = chosen.size();
            for (Integer id : List.copyOf(chosen)) { // what cannot stand without something outside
                Set<Integer> ready = chosen;
                byId.get(id).dependencies().stream().map(byId::get).filter(need -> need != null
                        && !ready.contains(need.dumpId()) && (!SUPPORT.contains(need.desc())
                                || blocked.contains(need.dumpId()) || removed.containsKey(need.dumpId())))
                        .min(RELATION_FIRST).ifPresent(need -> {
                            ready.remove(id);
                            removed.put(id, "needs " + need.describe() + ", which is not restored");
                        });
            }
            changed |= chosen.size() != before;
        }
        for (Integer root : roots) {
            if (removed.containsKey(root)) {
                throw new NotInArchiveException(byId.get(root).describe() + " cannot be restored on its own: it "
                        + removed.get(root) + " (add it with --table or --schema)");
            }
        }
        List<LeftOut> leftOut = new ArrayList<>();
        for (TocEntry e : toc.entries()) {
            if (chosen.contains(e.dumpId()) || blocked.contains(e.dumpId()) || !e.listed()) {
                continue;
            }
            if (removed.containsKey(e.dumpId())) {
                leftOut.add(new LeftOut(e, removed.get(e.dumpId())));
            } else if (ATTACHED.contains(e.desc()) && e.dependencies().stream().map(byId::get)
                    .anyMatch(d -> d != null && chosen.contains(d.dumpId()) && !SUPPORT.contains(d.desc()))
                    && ownTableChosen(e, chosen, toc)) {
                // it hangs on something restored (not merely on an extension or schema it shares with it)
                TocEntry outside = e.dependencies().stream().filter(d -> !chosen.contains(d)).map(byId::get)
                        .filter(java.util.Objects::nonNull).min(RELATION_FIRST).orElse(null);
                leftOut.add(new LeftOut(e, outside == null ? "not restored"
                        : "needs " + outside.describe() + ", which is not restored"));
            }
        }
        List<TocEntry> entries = toc.entries().stream().filter(e -> chosen.contains(e.dumpId())).toList();
        return new Subset(entries, entries.stream().filter(e -> RELATIONS.contains(e.desc())).toList(), leftOut);
    }

    /**
     * For an object named {@code TABLE NAME} (a constraint, trigger, default, policy or rule): whether
     * its own table is chosen; a foreign key of a table outside the subset that points into it is not
     * the subset's to name. Other objects have no table of their own to ask about.
     */
    private static boolean ownTableChosen(TocEntry e, Set<Integer> chosen, ArchiveToc toc) {
        if (!TABLE_TAGGED.contains(e.desc())) {
            return true;
        }
        String table = e.tag().contains(" ") ? e.tag().substring(0, e.tag().indexOf(' ')) : e.tag();
        return toc.entries().stream().anyMatch(r -> RELATIONS.contains(r.desc()) && chosen.contains(r.dumpId())
                && java.util.Objects.equals(r.namespace(), e.namespace()) && r.tag().equals(table));
    }

    private static boolean isSchema(TocEntry entry) {
        return entry != null && entry.desc().equals("SCHEMA");
    }

    /** Belongs to something chosen: an attached object, or a sequence a chosen table owns. */
    private static boolean attachable(TocEntry e, Set<Integer> chosen, Map<Integer, TocEntry> byId) {
        if (ATTACHED.contains(e.desc())) {
            return e.dependencies().stream().anyMatch(chosen::contains);
        }
        return e.desc().equals("SEQUENCE") && e.dependencies().stream().map(byId::get)
                .anyMatch(d -> d != null && RELATIONS.contains(d.desc()) && chosen.contains(d.dumpId()));
    }

    /** Every dependency is chosen, or is an object that can be brought along. */
    private static boolean satisfiable(TocEntry e, Set<Integer> chosen, Set<Integer> blocked, Map<Integer, String> removed,
            Map<Integer, TocEntry> byId) {
        return e.dependencies().stream().allMatch(d -> chosen.contains(d) || byId.get(d) == null
                || SUPPORT.contains(byId.get(d).desc()) && !blocked.contains(d) && !removed.containsKey(d));
    }

    private static TocEntry relation(ArchiveToc toc, QualifiedName name) {
        return toc.entries().stream().filter(e -> RELATIONS.contains(e.desc()) && name.schema().equals(e.namespace())
                && name.name().equals(e.tag())).findFirst()
                .orElseThrow(() -> new NotInArchiveException("the backup has no table " + name
                        + " (names are case-sensitive; amyterm-backup contents lists them)"));
    }
}
