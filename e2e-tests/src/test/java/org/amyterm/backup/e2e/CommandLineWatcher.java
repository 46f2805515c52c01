package org.amyterm.backup.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/** Reads every process's command line from /proc, over and over, looking for a secret. */
final class CommandLineWatcher {
    private final String secret;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Set<Long> seen = ConcurrentHashMap.newKeySet();
    private final List<String> leaks = new CopyOnWriteArrayList<>();
    private final AtomicBoolean sawPgDump = new AtomicBoolean();
    private Thread thread;

    private CommandLineWatcher(String secret) {
        this.secret = secret;
    }

    static CommandLineWatcher start(String secret) {
        CommandLineWatcher watcher = new CommandLineWatcher(secret);
        watcher.thread = new Thread(watcher::watch, "cmdline-watcher");
        watcher.thread.setDaemon(true);
        watcher.thread.start();
        return watcher;
    }

    private void watch() {
        while (running.get()) {
            try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path proc : procs) {
                    scan(proc);
                }
            } catch (IOException ignored) {
                // /proc changes while it is read; the next round reads it again
            }
        }
    }

    private void scan(Path proc) {
        try {
            String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
            seen.add(Long.parseLong(proc.getFileName().toString()));
            if (cmdline.contains("pg_dump") && cmdline.contains("--snapshot")) {
                sawPgDump.set(true);
            }
            if (cmdline.contains(secret)) {
                leaks.add(proc + ": " + cmdline);
            }
        } catch (IOException | NumberFormatException gone) {
            // the process ended between listing and reading
        }
    }

    void stop() throws InterruptedException {
        running.set(false);
        thread.join();
    }

    int processesSeen() {
        return seen.size();
    }

    boolean sawPgDump() {
        return sawPgDump.get();
    }

    List<String> leaks() {
        return List.copyOf(leaks);
    }
}
