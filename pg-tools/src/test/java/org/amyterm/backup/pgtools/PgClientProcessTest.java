package org.amyterm.backup.pgtools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The password reaches the child through its environment and nowhere else. */
class PgClientProcessTest {

    @Test
    void passwordIsInTheChildsEnvironmentNotItsCommandLine() throws Exception {
        String secret = "s3cret-" + System.nanoTime();
        try (PgClientProcess child = PgClientProcess.start(
                List.of("sh", "-c", "printf '%s' \"$PGPASSWORD\"; tr '\\0' ' ' < /proc/$$/cmdline >&2"), Optional.of(secret))) {
            String stdout = new String(child.stdout().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.await(Duration.ofSeconds(10))).isZero();
            assertThat(stdout).isEqualTo(secret);
            assertThat(child.stderrTail()).startsWith("sh -c").doesNotContain(secret);
        }
    }

    @Test
    void noPasswordMeansNoInheritedPgpassword() throws Exception {
        assertThat(System.getenv("PGPASSWORD")).as("the build sets one for this test").isNotNull();
        try (PgClientProcess child = PgClientProcess.start(List.of("sh", "-c", "printf '%s' \"${PGPASSWORD-unset}\""),
                Optional.empty())) {
            assertThat(new String(child.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("unset");
            child.await(Duration.ofSeconds(10));
        }
    }

    @Test
    void childThatWritesAndThenHangsIsStoppedAtItsTimeoutWhileItsOutputIsRead() throws Exception {
        // Given a program that writes a little and then neither writes nor exits (a server that stopped answering)
        try (PgClientProcess child = PgClientProcess.start(List.of("sh", "-c", "printf 'CREATE ROLE a;'; exec sleep 30"),
                Optional.empty())) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

            // When its output is copied with a timeout, Then the copy ends at the timeout as an overrun
            assertThat(child.copyStdoutTo(out, Duration.ofMillis(500))).isEqualTo(-1);
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("CREATE ROLE a;");
        }
        // and its twin: a program that finishes in time gives its exit code and all its output
        try (PgClientProcess child = PgClientProcess.start(List.of("sh", "-c", "printf 'done'"), Optional.empty())) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            assertThat(child.copyStdoutTo(out, Duration.ofSeconds(10))).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("done");
        }
    }

    @Test
    void slowChildIsStoppedAtItsTimeout() throws Exception {
        try (PgClientProcess child = PgClientProcess.start(List.of("sleep", "30"), Optional.empty())) {
            assertThat(child.await(Duration.ofMillis(200))).isEqualTo(-1);
        }
    }
}
