package org.amyterm.backup.pgtools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL client program (pg_dump, pg_restore) as a child process. The password goes into
 * the child's environment (PGPASSWORD) and never onto its command line, where {@code ps} shows
 * it; stderr is kept (its tail, bounded) for the failure message.
 */
public final class PgClientProcess implements AutoCloseable {
    private final Process process;
    private final StderrTail stderr;
    private final Thread stderrReader;

    private PgClientProcess(Process process) {
        this.process = process;
        this.stderr = new StderrTail(8192);
        this.stderrReader = new Thread(() -> stderr.drain(process.getErrorStream()), "pg-client-stderr");
        this.stderrReader.setDaemon(true);
        this.stderrReader.start();
    }

    /** The full path of a client program in {@code binDir}, or its bare name to find it on the PATH. */
    public static String executable(Optional<Path> binDir, String program) {
        return binDir.map(dir -> dir.resolve(program).toString()).orElse(program);
    }

    public static PgClientProcess start(List<String> command, Optional<String> password) throws IOException {
        return start(command, password, Map.of());
    }

    /**
     * Starts the program with {@code environment} added to its environment: libpq's {@code PGDATABASE},
     * say, which libpq takes as a database name only, where {@code --dbname} would read a name
     * containing {@code =} or starting {@code postgresql://} as a whole connection string.
     */
    public static PgClientProcess start(List<String> command, Optional<String> password, Map<String, String> environment)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.remove("PGPASSWORD");
        env.remove("PGDATABASE");
        env.putAll(environment);
        password.ifPresent(p -> env.put("PGPASSWORD", p));
        env.put("PGAPPNAME", "amyterm-backup");
        return new PgClientProcess(builder.start());
    }

    public InputStream stdout() {
        return process.getInputStream();
    }

    public OutputStream stdin() {
        return process.getOutputStream();
    }

    /**
     * Copies the program's output to {@code out} and waits for its exit, all within {@code timeout}:
     * a program that stops writing without exiting (a server that stopped answering it) is killed
     * when the time is up, which ends the copy. Returns the exit code, or -1 if it overran.
     */
    public int copyStdoutTo(OutputStream out, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        java.util.concurrent.atomic.AtomicBoolean overran = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ScheduledFuture<?> stop = DEADLINES.schedule(() -> {
            overran.set(true);
            process.destroyForcibly();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            stdout().transferTo(out);
            int exit = await(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            return overran.get() ? -1 : exit;
        } finally {
            stop.cancel(false);
        }
    }

    private static final java.util.concurrent.ScheduledExecutorService DEADLINES =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "pg-client-deadline");
                thread.setDaemon(true);
                return thread;
            });

    /** Waits for exit; returns the exit code, or -1 (after killing it) if it overran the timeout. */
    public int await(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            return -1;
        }
        stderrReader.join(5000);
        return process.exitValue();
    }

    public String stderrTail() {
        return stderr.text();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    /** What {@code program --version} prints, e.g. "pg_dump (PostgreSQL) 15.18", or "unknown". */
    public static String version(Optional<Path> binDir, String program) {
        try {
            Process p = new ProcessBuilder(executable(binDir, program), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
