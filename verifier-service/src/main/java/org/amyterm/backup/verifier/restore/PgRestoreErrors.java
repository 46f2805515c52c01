package org.amyterm.backup.verifier.restore;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * pg_restore's complaints as they may be kept (in evidence, alerts and logs): what failed and on
 * which object, never the row data PostgreSQL quotes in them. Detail, context and command lines go
 * (a DETAIL names the key and value of a duplicate row, a CONTEXT the offending column value); in
 * what stays, key values, quoted literals and the input a type rejected are replaced by "…".
 */
final class PgRestoreErrors {
    private static final Pattern KEY_VALUE = Pattern.compile("\\(([^()]*)\\)=\\([^()]*\\)");
    private static final Pattern LITERAL = Pattern.compile("'[^']*'");
    private static final Pattern REJECTED_INPUT = Pattern.compile("(for type [^:]+|value too long[^:]*|out of range[^:]*): \"[^\"]*\"");
    private static final int MAX_LINES = 20;

    private PgRestoreErrors() {
    }

    /** pg_restore's warnings (the first 20), reduced alike; none for output without any. */
    static List<String> warnings(String stderr) {
        return lines(stderr).stream().filter(line -> line.contains(" warning: ")).limit(MAX_LINES).toList();
    }

    static String reduce(String stderr) {
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
            reduced = REJECTED_INPUT.matcher(reduced).replaceAll("$1: \"…\"");
            kept.add(reduced);
        }
        return kept;
    }
}
