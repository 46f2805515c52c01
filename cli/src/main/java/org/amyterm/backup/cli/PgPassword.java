package org.amyterm.backup.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The target's password as libpq finds it: {@code PGPASSWORD}, else the first matching line of
 * {@code PGPASSFILE} (default {@code ~/.pgpass}; {@code host:port:database:user:password}, {@code *}
 * matching anything, {@code \:} and {@code \\} escaped). Empty when there is none.
 */
final class PgPassword {
    private PgPassword() {
    }

    static Optional<String> of(TargetUrl target, String database, Map<String, String> env) {
        String password = env.get("PGPASSWORD");
        if (password != null && !password.isEmpty()) {
            return Optional.of(password);
        }
        Path file = env.get("PGPASSFILE") != null ? Path.of(env.get("PGPASSFILE"))
                : Path.of(System.getProperty("user.home"), ".pgpass");
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                List<String> fields = fields(line);
                if (fields.size() == 5 && matches(fields.get(0), target.host()) && matches(fields.get(1),
                        Integer.toString(target.port())) && (matches(fields.get(2), database) || matches(fields.get(2),
                        "postgres")) && matches(fields.get(3), target.user())) {
                    return Optional.of(fields.get(4));
                }
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read the password file " + file + ": " + e.getMessage());
        }
        return Optional.empty();
    }

    private static boolean matches(String field, String value) {
        return field.equals("*") || field.equals(value);
    }

    private static List<String> fields(String line) {
        List<String> fields = new java.util.ArrayList<>();
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                field.append(line.charAt(++i));
            } else if (c == ':' && fields.size() < 4) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
