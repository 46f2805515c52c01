package org.amyterm.backup.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A throwaway PostgreSQL cluster from the installed binaries, listening on 127.0.0.1 with
 * password (scram-sha-256) authentication for TCP. {@code initdb} refuses to run as root, so when
 * the tests run as root the cluster runs as the unprivileged {@code postgres} user.
 */
public final class PostgresServer {
    public static final String SUPERUSER = "postgres";

    private final ServerProcess process;
    private final int port;
    private final String password;
    private final Path binDir;
    /** The cluster's files, outside the checkout: removed when the server stops (each is a few hundred MB). */
    private final Path dataRoot;

    private PostgresServer(ServerProcess process, int port, String password, Path binDir, Path dataRoot) {
        this.dataRoot = dataRoot;
        this.process = process;
        this.port = port;
        this.password = password;
        this.binDir = binDir;
    }

    public static PostgresServer start(String name) {
        Path binDir = installedBinDir();
        Path logDir = TestDirs.server(name);
        int port = FreePort.next();
        String password = "pw-" + UUID.randomUUID();
        try {
            // The cluster's own files live outside the checkout: the unprivileged user must own them.
            Path dataRoot = Files.createTempDirectory("amyterm-" + name + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            Path data = dataRoot.resolve("data");
            Path pwFile = dataRoot.resolve("pw");
            Files.writeString(pwFile, password + "\n");
            chownToServerUser(dataRoot);
            ServerProcess.run(asServerUser(List.of(binDir.resolve("initdb").toString(), "-D", data.toString(),
                    "-U", SUPERUSER, "--pwfile=" + pwFile, "--auth-local=trust", "--auth-host=scram-sha-256",
                    "-E", "UTF8", "--locale=C", "--no-sync")), Map.of(), dataRoot, Duration.ofMinutes(2));
            Files.delete(pwFile);
            ServerProcess process = ServerProcess.start(name, asServerUser(List.of(binDir.resolve("postgres").toString(),
                    "-D", data.toString(), "-p", Integer.toString(port), "-k", dataRoot.toString(),
                    "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=50",
                    "-c", "log_min_messages=warning")), Map.of(), dataRoot, logDir.resolve("postgres.log"));
            PostgresServer server = new PostgresServer(process, port, password, binDir, dataRoot);
            FreePort.awaitListening(port, Duration.ofSeconds(60), process);
            server.awaitReady();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a PostgreSQL cluster", e);
        }
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    /** The superuser's password; hand it to code under test through PGPASSWORD or a file, never argv. */
    public String password() {
        return password;
    }

    public Path binDir() {
        return binDir;
    }

    public ServerProcess process() {
        return process;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /**
     * Runs SQL with psql against a database; returns the unaligned, tuples-only output. The SQL goes
     * to psql's stdin, so a password in it never shows on a command line.
     */
    public String psql(String database, String sql) {
        return ServerProcess.run(List.of(binDir.resolve("psql").toString(), "-X", "-v", "ON_ERROR_STOP=1", "-q",
                "-At", "-h", host(), "-p", Integer.toString(port), "-U", SUPERUSER, "-d", database, "-f", "-"),
                Map.of("PGPASSWORD", password), TestDirs.servers(), Duration.ofMinutes(5), sql + "\n").trim();
    }

    /** Runs a SQL file with psql, passing {@code -v name=value} variables. */
    public void psqlFile(String database, Path file, Map<String, String> variables) {
        List<String> command = new ArrayList<>(List.of(binDir.resolve("psql").toString(), "-X", "-v",
                "ON_ERROR_STOP=1", "-q", "-h", host(), "-p", Integer.toString(port), "-U", SUPERUSER, "-d",
                database, "-f", file.toString()));
        variables.forEach((k, v) -> command.addAll(List.of("-v", k + "=" + v)));
        ServerProcess.run(command, Map.of("PGPASSWORD", password), TestDirs.servers(), Duration.ofMinutes(10));
    }

    public void createDatabase(String database) {
        psql("postgres", "CREATE DATABASE \"" + database + "\"");
    }

    /** Creates the database with {@code sql} run in it, unless an earlier test of this server made it already. */
    public synchronized void createDatabaseOnce(String database, String sql) {
        if (psql("postgres", "SELECT 1 FROM pg_database WHERE datname = '" + database.replace("'", "''") + "'").isEmpty()) {
            createDatabase(database);
            psql(database, sql);
        }
    }

    public void stop() {
        process.stop("INT");
        try (java.util.stream.Stream<Path> files = Files.walk(dataRoot)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover in the temporary directory is no reason to fail a build
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                psql("postgres", "SELECT 1");
                return;
            } catch (IllegalStateException notYet) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IllegalStateException("PostgreSQL did not become ready; see " + process.logFile(), notYet);
                }
                process.pause(Duration.ofMillis(200));
            }
        }
    }

    static Path installedBinDir() {
        for (String candidate : List.of("/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin",
                "/usr/lib/postgresql/15/bin")) {
            if (Files.isExecutable(Path.of(candidate, "initdb"))) {
                return Path.of(candidate);
            }
        }
        throw new IllegalStateException("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin; "
                + "install the postgresql package");
    }

    private static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static List<String> asServerUser(List<String> command) {
        if (!runningAsRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=postgres", "--regid=postgres",
                "--init-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static void chownToServerUser(Path dir) {
        if (runningAsRoot()) {
            ServerProcess.run(List.of("chown", "-R", "postgres:postgres", dir.toString()), Map.of(), dir,
                    Duration.ofSeconds(30));
        }
    }
}
