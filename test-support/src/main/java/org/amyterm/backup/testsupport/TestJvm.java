package org.amyterm.backup.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that starts a JVM of the tests' own (a server, a service, the CLI, the sample
 * application): this JDK's {@code java}, compiling with C1 only. A test's JVMs live for seconds or
 * minutes on little data, and C2 compiling their hot code took about half of all the CPU the
 * notifier's tests used (258 against 136 CPU-seconds without it, measured alone on 2 cores); the
 * suite runs where CPU is what it waits for. Never for what {@code bench/} measures: services in
 * production keep C2 (docs/performance.md).
 */
public final class TestJvm {
    /** The option itself, for a JVM a build tool starts (surefire's {@code argLine} says it too). */
    public static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

    private TestJvm() {
    }

    /** {@code java -XX:TieredStopAtLevel=1 ARGS…}. */
    public static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                C1_ONLY));
        command.addAll(List.of(args));
        return command;
    }
}
