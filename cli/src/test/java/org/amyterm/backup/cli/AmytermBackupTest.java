package org.amyterm.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The CLI's answers when something is wrong: a clear line and an exit code a script can test. */
class AmytermBackupTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return AmytermBackup.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void unreachableServiceExitsThreeAndSaysWhereItLooked() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        int exit = run("--storage-url", "http://127.0.0.1:" + port, "status");
        assertThat(exit).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(err.toString()).contains("cannot reach the storage service", "127.0.0.1:" + port, "stack status");
    }

    @Test
    void somethingThatIsNotABackupIdExitsTwo() {
        assertThat(run("show", "yesterday")).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).contains("not a backup id");
    }

    @Test
    void unknownReasonExitsTwoBeforeAnyRequest() {
        assertThat(run("--backup-url", "http://127.0.0.1:1", "backup", "amyterm", "--reason", "whim")).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).contains("pre-federation-release");
    }

    @Test
    void waitTakesOnlyStoredOrVerified() {
        assertThat(run("backup", "amyterm", "--wait", "forever")).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString()).contains("stored", "verified");
    }

    @Test
    void timeoutsReadAsOperatorsWriteThem() {
        Durations durations = new Durations();
        assertThat(durations.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(durations.convert("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(durations.convert("PT2H")).isEqualTo(Duration.ofHours(2));
    }
}
