package org.amyterm.backup.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The bearer token the CLI shows the services: {@code AMYTERM_BACKUP_TOKEN}, or the first line of
 * the file {@code AMYTERM_BACKUP_TOKEN_FILE} names (read at each start, so a renewed token is used).
 * Never a flag: a flag stands in the shell history and in {@code ps}. {@code toString} hides it.
 */
final class ApiToken {
    static final String ENV = "AMYTERM_BACKUP_TOKEN";
    static final String FILE_ENV = "AMYTERM_BACKUP_TOKEN_FILE";

    private final String value;

    private ApiToken(String value) {
        this.value = value;
    }

    /** The token the environment gives, if any; a named file that cannot be read is a usage error. */
    static Optional<ApiToken> from(Map<String, String> env) {
        String inline = env.get(ENV);
        if (inline != null && !inline.isBlank()) {
            return Optional.of(new ApiToken(inline.strip()));
        }
        String file = env.get(FILE_ENV);
        if (file == null || file.isBlank()) {
            return Optional.empty();
        }
        try {
            String token = Files.readString(Path.of(file), StandardCharsets.US_ASCII).lines().findFirst().orElse("").strip();
            if (token.isEmpty()) {
                throw new CliException(ExitCode.USAGE, FILE_ENV + " names " + file + ", which holds no token");
            }
            return Optional.of(new ApiToken(token));
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, FILE_ENV + " names " + file + ", which cannot be read: " + e.getMessage());
        }
    }

    String authorization() {
        return "Bearer " + value;
    }

    @Override
    public String toString() {
        return "ApiToken[***]";
    }
}
