package org.amyterm.backup.verifier.operator;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The statements of a backup's globals ({@code pg_dumpall --globals-only --no-role-passwords}) that
 * make given roles: each role's {@code CREATE ROLE} and {@code ALTER ROLE … WITH …}. Memberships,
 * settings and tablespaces are left to the operator. The roles come without passwords. Attributes
 * a new role has anyway (NOSUPERUSER, NOREPLICATION, NOBYPASSRLS) are left out: only a superuser may
 * name them, and a role with CREATEROLE can then make ordinary roles.
 */
final class RoleStatements {
    private static final Pattern ROLE_STATEMENT = Pattern.compile("^(CREATE ROLE|ALTER ROLE) (\"(?:[^\"]|\"\")+\"|[^\\s;\"]+)"
            + "( WITH [^;]*)?;$");

    private static final Pattern DEFAULTS = Pattern.compile(" (NOSUPERUSER|NOREPLICATION|NOBYPASSRLS)(?=[ ;])");

    private RoleStatements() {
    }

    static List<String> of(String globals, List<String> roles) {
        List<String> statements = new ArrayList<>();
        for (String line : globals.split("\\R")) {
            Matcher m = ROLE_STATEMENT.matcher(line.strip());
            if (m.matches() && roles.contains(unquote(m.group(2)))
                    && (m.group(1).equals("CREATE ROLE") || m.group(3) != null)) {
                statements.add(DEFAULTS.matcher(line.strip()).replaceAll(""));
            }
        }
        return statements;
    }

    private static String unquote(String name) {
        return name.startsWith("\"") ? name.substring(1, name.length() - 1).replace("\"\"", "\"") : name;
    }
}
