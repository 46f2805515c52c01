package org.amyterm.backup.verifier.restore;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * pg_restore's complaints as they may be kept (in evidence, alerts and logs): what failed and on
 * which object, never the row data PostgreSQL quotes in them. An allow-list: only pg_restore's own
 * lines are kept (DETAIL, CONTEXT, HINT, LINE and command lines go: they quote rows and statements);
 * in those, a double-quoted name is kept only where it names an object ({@code table "x"},
 * {@code index "y"}…), and every other quoted text, literal, key value and byte sequence becomes "…",
 * whatever message PostgreSQL wrapped it in.
 */
public final class PgRestoreErrors {
    private static final Pattern KEY_VALUE = Pattern.compile("\\(([^()]*)\\)=\\([^()]*\\)");
    private static final Pattern LITERAL = Pattern.compile("'[^']*'");
    private static final Pattern QUOTED = Pattern.compile("(\\b(?:table|relation|column|constraint|index|schema|function|"
            + "type|role|database|extension|sequence|view|trigger|policy|publication|subscription|operator|collation|"
            + "domain|tablespace|language|aggregate|procedure|rule|server|owner)\\s+)?\"[^\"]*\"");
    private static final Pattern BYTES = Pattern.compile("0x[0-9a-fA-F]+");
    /** What libpq says when the connection to the server goes (the server stopped, the network failed). */
    private static final Pattern LOST_CONNECTION = Pattern.compile("server closed the connection unexpectedly"
            + "|could not (receive|send) data (from|to) server|no connection to the server|connection to server .* failed|connection to server was lost"
            + "|terminating connection due to administrator command|the database system is (shutting down|starting up"
            + "|in recovery mode)|SSL SYSCALL error|Connection reset by peer|connection not open");
    private static final int MAX_LINES = 20;

    private PgRestoreErrors() {
    }

    /** pg_restore's warnings (the first 20), reduced alike; none for output without any. */
    static List<String> warnings(String stderr) {
        return lines(stderr).stream().filter(line -> line.contains(" warning: ")).limit(MAX_LINES).toList();
    }

    /** Whether pg_restore failed because its connection to the server was lost: a fault, never a verdict. */
    static boolean lostConnection(String stderr) {
        return LOST_CONNECTION.matcher(stderr).find();
    }

    public static String reduce(String stderr) {
        List<String> kept = lines(stderr);
        if (kept.size() > MAX_LINES) {
            int more = kept.size() - MAX_LINES;
            kept = new ArrayList<>(kept.subList(0, MAX_LINES));
            kept.add("… and " + more + " more lines");
        }
        return kept.isEmpty() ? "(pg_restore said nothing that can be kept)" : String.join("\n", kept);
    }

    private static List<String> lines(String stderr) {
        List<String> kept = new ArrayList<>();
        for (String line : stderr.split("\\R")) {
            String trimmed = line.strip();
            if (!trimmed.startsWith("pg_restore:")) {
                continue; // DETAIL:, CONTEXT:, HINT:, "Command was:" and continuation lines may quote rows
            }
            String reduced = KEY_VALUE.matcher(trimmed).replaceAll("($1)=(…)");
            reduced = LITERAL.matcher(reduced).replaceAll("'…'");
            reduced = QUOTED.matcher(reduced).replaceAll(m -> m.group(1) != null
                    ? java.util.regex.Matcher.quoteReplacement(m.group()) : "\"…\"");
            reduced = BYTES.matcher(reduced).replaceAll("0x…");
            kept.add(reduced);
        }
        return kept;
    }
}
