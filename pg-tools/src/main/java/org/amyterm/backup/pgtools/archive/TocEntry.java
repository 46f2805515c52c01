package org.amyterm.backup.pgtools.archive;

import java.util.List;

/**
 * One entry of a pg_dump custom-format archive's table of contents, as pg_restore reads it: its
 * dump id, catalogue ids, kind ({@code desc}: {@code TABLE}, {@code TABLE DATA}, {@code FK CONSTRAINT}…),
 * schema ({@code namespace}, null for objects outside schemas), name ({@code tag}: for a constraint
 * or trigger {@code TABLE NAME}, for a function {@code NAME(ARGUMENT TYPES)}), owner, the dump ids it
 * depends on, whether it carries data and whether it has a definition. Names only; never SQL or rows.
 */
public record TocEntry(int dumpId, long tableOid, long oid, String desc, String namespace, String tag, String owner,
        boolean hadDumper, boolean hasDefinition, List<Integer> dependencies) {

    public TocEntry {
        dependencies = List.copyOf(dependencies);
    }

    /**
     * Whether {@code pg_restore -l} lists it (and so whether a {@code --use-list} can name it): not
     * the archive's settings (encoding, search path), not the database itself, and not an entry
     * with neither a definition nor data (the public schema of a default database, say).
     */
    public boolean listed() {
        if (List.of("ENCODING", "STDSTRINGS", "SEARCHPATH", "DATABASE", "DATABASE PROPERTIES").contains(desc)) {
            return false;
        }
        if (List.of("ACL", "COMMENT", "SECURITY LABEL").contains(desc) && tag != null && tag.startsWith("DATABASE ")) {
            return false;
        }
        boolean data = hadDumper || "SEQUENCE SET".equals(desc) || "BLOB".equals(desc) || "BLOB METADATA".equals(desc)
                || (List.of("ACL", "COMMENT", "SECURITY LABEL").contains(desc) && tag != null
                        && tag.startsWith("LARGE OBJECT"));
        return data || hasDefinition;
    }

    /** The entry as {@code pg_restore -l} prints it, which is also a line of a {@code --use-list} file. */
    public String listLine() {
        return dumpId + "; " + tableOid + " " + oid + " " + desc + " " + sanitized(namespace, true) + " "
                + sanitized(tag, false) + " " + sanitized(owner, false);
    }

    /** The entry for people: its kind and qualified name, {@code FK CONSTRAINT ledger.entry entry_item_fkey}. */
    public String describe() {
        return desc + " " + (namespace == null || namespace.isEmpty() ? "" : namespace + ".") + tag;
    }

    private static String sanitized(String name, boolean hyphenIfEmpty) {
        if (name == null || name.isEmpty()) {
            return hyphenIfEmpty ? "-" : "";
        }
        return name.replace('\n', ' ').replace('\r', ' ');
    }
}
