package org.amyterm.backup.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell blocks of {@code docs/runbook.md}, read from the file (each after a
 * {@code <!-- runbook: NAME -->} marker) and run as written by bash, as an operator would paste them.
 */
public final class Runbook {
    private static final Pattern BLOCK = Pattern.compile("<!-- runbook: ([a-z-]+) -->\\s*```sh\\n(.*?)```", Pattern.DOTALL);

    private Runbook() {
    }

    public static String block(String name) {
        try {
            Matcher m = BLOCK.matcher(Files.readString(TestDirs.repositoryRoot().resolve("docs/runbook.md")));
            while (m.find()) {
                if (m.group(1).equals(name)) {
                    return m.group(2);
                }
            }
            throw new IllegalStateException("docs/runbook.md has no block '" + name + "'");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The outcome of running blocks: bash's exit code and everything it printed. */
    public record Run(int exit, String output) {
    }

    /** Runs the named blocks, in order, in {@code dir}, with {@code environment} set (bash -euo pipefail). */
    public static Run run(Path dir, Map<String, String> environment, String... blocks) {
        return run(dir, dir, environment, blocks);
    }

    /**
     * The same, the script kept in {@code dir} but run from {@code workingDirectory} (the repository's
     * root, for blocks that call {@code bin/amyterm-backup} as an operator in a checkout would).
     */
    public static Run run(Path dir, Path workingDirectory, Map<String, String> environment, String... blocks) {
        StringBuilder script = new StringBuilder("set -euo pipefail\n");
        for (String block : blocks) {
            script.append(block(block)).append('\n');
        }
        try {
            Path file = Files.writeString(dir.resolve("runbook.sh"), script);
            ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(List.of("bash", file.toString())))
                    .directory(workingDirectory.toFile()).redirectErrorStream(true);
            builder.environment().putAll(environment);
            Process process = builder.start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("the runbook did not finish within 5 minutes:\n" + output);
            }
            return new Run(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
