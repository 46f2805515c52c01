package org.amyterm.backup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.amyterm.backup.testsupport.FreePort;
import org.amyterm.backup.testsupport.TestDirs;
import org.junit.jupiter.api.Test;

/** {@code deploy/local/stack} as an operator runs it: up, up again, a verified backup, down. */
class LocalStackTest {
    private final Path root = TestDirs.repositoryRoot();

    @Test
    void stackComesUpOnceTakesAVerifiedBackupAndGoesDownLeavingNoProcess() throws Exception {
        // Given a stack directory the unprivileged postgres user can reach, and free ports
        Path state = Files.createTempDirectory("amyterm-stack-");
        state.toFile().setExecutable(true, false);
        state.toFile().setReadable(true, false);
        Map<String, String> env = new HashMap<>();
        env.put("AMYTERM_STACK_DIR", state.toString());
        for (String port : List.of("PG", "S3", "BACKUP", "STORAGE", "VERIFIER", "NOTIFIER", "CONSOLE")) {
            env.put("AMYTERM_STACK_" + port + "_PORT", Integer.toString(FreePort.next()));
        }
        env.put("AMYTERM_STACK_KAFKA_PORT", Integer.toString(FreePort.pair()));
        env.put("AMYTERM_BACKUP_URL", "http://127.0.0.1:" + env.get("AMYTERM_STACK_BACKUP_PORT"));
        env.put("AMYTERM_STORAGE_URL", "http://127.0.0.1:" + env.get("AMYTERM_STACK_STORAGE_PORT"));
        env.put("AMYTERM_VERIFIER_URL", "http://127.0.0.1:" + env.get("AMYTERM_STACK_VERIFIER_PORT"));
        env.put("AMYTERM_NOTIFIER_URL", "http://127.0.0.1:" + env.get("AMYTERM_STACK_NOTIFIER_PORT"));
        try {
            // When it is brought up
            Run up = run(env, "deploy/local/stack", "up", "--size-mb", "3");
            assertThat(up.exit()).as(up.output()).isZero();
            assertThat(up.output()).contains("up. Databases backed up: amyterm");
            Map<String, String> pids = pids(state);
            assertThat(pids).hasSize(8);
            assertThat(up.output()).contains("console: http://127.0.0.1:" + env.get("AMYTERM_STACK_CONSOLE_PORT") + "/");

            // Then a second up starts nothing
            Run again = run(env, "deploy/local/stack", "up");
            assertThat(again.exit()).isZero();
            assertThat(again.output()).contains("already running");
            assertThat(pids(state)).isEqualTo(pids);

            // When a service is killed, Then up starts it again, and only it
            ProcessHandle notifier = ProcessHandle.of(Long.parseLong(pids.get("notifier-service"))).orElseThrow();
            notifier.destroyForcibly();
            notifier.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            Run status = run(env, "deploy/local/stack", "status");
            assertThat(status.output()).containsPattern("notifier-service +stopped");
            Run restarted = run(env, "deploy/local/stack", "up");
            assertThat(restarted.exit()).as(restarted.output()).isZero();
            assertThat(restarted.output()).contains("not running: notifier-service; starting them again");
            Map<String, String> after = pids(state);
            assertThat(after).hasSize(8).doesNotContainEntry("notifier-service", pids.get("notifier-service"));
            for (Map.Entry<String, String> running : after.entrySet()) {
                if (!running.getKey().equals("notifier-service")) {
                    assertThat(running.getValue()).as(running.getKey()).isEqualTo(pids.get(running.getKey()));
                }
            }
            Run alerts = run(env, "bin/amyterm-backup", "alerts");
            assertThat(alerts.exit()).as(alerts.output()).isZero();

            // and the CLI takes a backup through to a passing restore test
            Run backup = run(env, "bin/amyterm-backup", "backup", "amyterm", "--wait", "verified");
            assertThat(backup.exit()).as(backup.output()).isZero();
            assertThat(backup.output()).contains("state       VERIFIED", "ok   row-counts");

            // and the console, asked as a script would with the viewer's token, names the database and its state
            java.net.http.HttpResponse<String> console = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                            + env.get("AMYTERM_STACK_CONSOLE_PORT") + "/")).header("Authorization", "Bearer "
                            + Files.readString(state.resolve("tokens/viewer.jwt")).strip())
                            .timeout(java.time.Duration.ofSeconds(30)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(console.statusCode()).as(console.body()).isEqualTo(200);
            assertThat(console.body()).contains(">amyterm<", "Recoverable", "1 of 1</strong> databases can be restored");

            // When it is brought down, Then none of its processes is left
            Run down = run(env, "deploy/local/stack", "down");
            assertThat(down.exit()).as(down.output()).isZero();
            assertThat(after.values()).noneMatch(pid -> ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false));
            assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                    .filter(cmd -> cmd.contains(state.toString()))).isEmpty();

            // and its audit trail, across the notifier's kill and restart and checkpointed at its stop,
            // proves itself with the stack's key against the checkpoints in the bucket
            Path checkpoints = state.resolve("s3/data/amyterm-backups/amyterm/.audit/notifier/checkpoints");
            Run audit = run(env, "bin/amyterm-backup", "audit", "verify", state.resolve("audit.jsonl").toString(),
                    "--key-file", state.resolve("keys/audit.key").toString(), "--checkpoints", checkpoints.toString());
            assertThat(audit.exit()).as(audit.output()).isZero();
            assertThat(audit.output()).contains("audit trail intact", "checkpoints match");
        } finally {
            run(env, "deploy/local/stack", "down");
            copyLogs(state.resolve("logs"), TestDirs.server("local-stack-logs"));
            run(env, "deploy/local/stack", "down", "--purge");
        }
    }

    private Run run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(command));
        argv.set(0, root.resolve(command[0]).toString());
        ProcessBuilder builder = new ProcessBuilder(argv).directory(root.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes());
        return new Run(p.waitFor(), output);
    }

    private record Run(int exit, String output) {
    }

    private static Map<String, String> pids(Path state) throws IOException {
        Map<String, String> pids = new HashMap<>();
        try (Stream<Path> files = Files.list(state.resolve("pids"))) {
            for (Path f : files.toList()) {
                pids.put(f.getFileName().toString(), Files.readString(f).trim());
            }
        }
        return pids;
    }

    private static void copyLogs(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
