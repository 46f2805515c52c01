package org.amyterm.backup.dumper.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * A PostgreSQL server to back up, as configured. The password is read when a connection is made
 * (from a file, so a rotated secret is picked up, or an environment variable); empty means libpq's
 * PGPASSFILE or ~/.pgpass. {@code toString} leaves it out.
 */
public record SourceServer(String name, String host, int port, String user, PasswordSource passwordSource,
        int maxConcurrentDumps) {

    /** Where the password comes from; never the password itself, so records can be logged. */
    public sealed interface PasswordSource {
        Optional<String> read();
    }

    /** A mounted secret file; its first line is the password. */
    public record PasswordFile(Path file) implements PasswordSource {
        @Override
        public Optional<String> read() {
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                int end = text.indexOf('\n');
                return Optional.of((end < 0 ? text : text.substring(0, end)).strip());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the password file " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** An environment variable of the service holding the password. */
    public record PasswordVariable(String variable, Function<String, String> environment) implements PasswordSource {
        @Override
        public Optional<String> read() {
            return Optional.ofNullable(environment.apply(variable)).filter(p -> !p.isEmpty());
        }

        @Override
        public String toString() {
            return "PasswordVariable[" + variable + "]";
        }
    }

    /** A password given as configuration (the one-server form's {@code source.password}, from PGPASSWORD). */
    public record PasswordValue(Optional<String> value) implements PasswordSource {
        @Override
        public Optional<String> read() {
            return value;
        }

        @Override
        public String toString() {
            return "PasswordValue[" + (value.isPresent() ? "***" : "none") + "]";
        }
    }

    public Optional<String> password() {
        return passwordSource.read();
    }

    /** user@host:port, for messages. */
    public String where() {
        return user + "@" + host + ":" + port;
    }

    /** The JDBC URL of one of its databases; the name is URL-encoded, so no character of it can add a parameter. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/"
                + java.net.URLEncoder.encode(database, StandardCharsets.UTF_8);
    }
}
