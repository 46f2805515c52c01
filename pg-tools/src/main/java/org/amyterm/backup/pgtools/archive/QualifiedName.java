package org.amyterm.backup.pgtools.archive;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code SCHEMA.TABLE} as an operator types it, or as PostgreSQL's {@code quote_ident} writes it:
 * each part as stored (a part in double quotes may hold dots and capitals, {@code ""} being a
 * quote), never folded to lower case, so a name matches exactly the object pg_dump recorded.
 */
public record QualifiedName(String schema, String name) {

    public static QualifiedName parse(String text) {
        List<String> parts = text == null || text.length() > 300 ? List.of() : parts(text);
        if (parts.size() != 2 || parts.stream().anyMatch(String::isEmpty) || text.indexOf('(') >= 0 && !text.contains("\"")) {
            throw new IllegalArgumentException("a table is named SCHEMA.TABLE (a part with a dot in double quotes), got "
                    + (text == null ? "nothing" : "'" + text + "'"));
        }
        return new QualifiedName(parts.get(0), parts.get(1));
    }

    /**
     * The parts of a dotted name, unquoted: {@code ledger.entry.entry_pkey} has three; a function's
     * {@code ledger.touch(integer)} has two, its arguments dropped. An unterminated quote gives none.
     */
    public static List<String> parts(String text) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    part.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == '.' && !quoted) {
                parts.add(part.toString());
                part.setLength(0);
            } else if (c == '(' && !quoted) {
                break;
            } else {
                part.append(c);
            }
        }
        if (quoted) {
            return List.of();
        }
        parts.add(part.toString());
        return parts;
    }

    @Override
    public String toString() {
        return schema + "." + name;
    }
}
