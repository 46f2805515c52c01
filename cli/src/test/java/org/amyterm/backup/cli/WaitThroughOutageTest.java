package org.amyterm.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.NodeRole;
import org.amyterm.backup.contracts.Verification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code backup --wait} rides out a catalogue that is away for a while (a restart, the bucket
 * behind it unreachable): it says it is waiting and ends on the backup's own outcome.
 */
class WaitThroughOutageTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final AtomicInteger looks = new AtomicInteger();
    private HttpServer services;

    @AfterEach
    void stop() {
        services.stop(0);
    }

    @Test
    void waitRidesOutACatalogueAnswering503AndEndsWhenTheBackupIsVerified() throws Exception {
        // Given a backup service that accepts the request, and a catalogue that answers 503 three
        // times (the bucket away) before it shows the backup verified
        BackupRequested request = BackupRequested.of("amyterm", BackupReason.MANUAL, "alice", "k-1", Instant.now());
        services = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        services.createContext("/backups", exchange -> answer(exchange, 202, EventJson.write(request)));
        services.createContext("/catalogue/backups/", exchange -> {
            if (looks.incrementAndGet() <= 3) {
                answer(exchange, 503, "{\"status\":503,\"detail\":\"the bucket cannot be read now\"}");
            } else {
                answer(exchange, 200, EventJson.write(verified(request.backupId())));
            }
        });
        services.start();
        String url = "http://127.0.0.1:" + services.getAddress().getPort();

        // When an operator waits for it to be verified
        int exit = AmytermBackup.run(new String[] {"--backup-url", url, "--storage-url", url, "backup", "amyterm",
                "--wait", "verified", "--timeout", "2m"}, new PrintWriter(out, true), new PrintWriter(err, true));

        // Then the wait went on through the outage, saying so, and ended with the backup verified
        assertThat(exit).as(err.toString()).isZero();
        assertThat(err.toString()).contains("still waiting for backup " + request.backupId(), "cannot answer now (HTTP 503)",
                "the bucket cannot be read now", "looking again in 1 s", "looking again in 2 s");
        assertThat(out.toString()).contains("VERIFIED");
        assertThat(looks.get()).isEqualTo(4);
    }

    @Test
    void verifyRidesOutAVerifierThatIsAwayAndEndsWithTheVerdict() throws Exception {
        // Given a verifier that accepts the request, then answers 503 twice (restarting) before the evidence is there
        String backupId = org.amyterm.backup.contracts.BackupId.of(Instant.now(), "v-1");
        services = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        services.createContext("/verifications", exchange -> {
            if (exchange.getRequestMethod().equals("POST")) {
                answer(exchange, 202, "{\"request\":{\"verificationId\":\"ver-1\",\"requestedAt\":\"" + Instant.now()
                        + "\"},\"evidenceKey\":\"amyterm/x/verification.json\"}");
            } else if (looks.incrementAndGet() <= 2) {
                answer(exchange, 503, "{\"status\":503,\"detail\":\"restarting\"}");
            } else {
                answer(exchange, 200, EventJson.write(verified(backupId).verification()));
            }
        });
        services.start();
        String url = "http://127.0.0.1:" + services.getAddress().getPort();

        // When an operator asks for a restore test and waits for it
        int exit = AmytermBackup.run(new String[] {"--verifier-url", url, "--storage-url", url, "verify", backupId,
                "--timeout", "2m"}, new PrintWriter(out, true), new PrintWriter(err, true));

        // Then the wait went on through the outage, saying so, and ended with the verdict
        assertThat(exit).as(err.toString()).isZero();
        assertThat(err.toString()).contains("still waiting for verification ver-1 of backup " + backupId, "HTTP 503",
                "restarting", "looking again in 1 s", "looking again in 2 s");
        assertThat(out.toString()).contains("PASSED", "ok   row-counts");
        assertThat(looks.get()).isEqualTo(3);
    }

    @Test
    void restoreRidesOutAVerifierThatIsAwayAndEndsWhenTheTargetIsRestored() throws Exception {
        // Given a verifier that starts the restore, then answers 503 twice (the bucket behind it away) before it is done
        services = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        services.createContext("/restores", exchange -> {
            if (exchange.getRequestMethod().equals("POST")) {
                answer(exchange, 202, "{\"restoreId\":\"r-1\"}");
            } else if (looks.incrementAndGet() <= 2) {
                answer(exchange, 503, "{\"status\":503,\"detail\":\"the bucket cannot be read now\"}");
            } else {
                answer(exchange, 200, "{\"state\":\"restored\",\"steps\":[\"restored 12 tables\"]}");
            }
        });
        services.start();
        String url = "http://127.0.0.1:" + services.getAddress().getPort();

        // When an operator restores the last known good and waits for it
        int exit = AmytermBackup.run(new String[] {"--verifier-url", url, "restore", "amyterm", "--backup",
                "last-known-good", "--target-url", "postgresql://restorer@127.0.0.1:5432", "--target-db", "amyterm_new",
                "--node-role", "central", "--timeout", "2m"}, new PrintWriter(out, true), new PrintWriter(err, true));

        // Then the wait went on through the outage, saying so, and ended with the target restored
        assertThat(exit).as(err.toString()).isZero();
        assertThat(err.toString()).contains("still waiting for restore r-1", "HTTP 503", "looking again in 1 s",
                "looking again in 2 s");
        assertThat(out.toString()).contains("restored 12 tables", "restored amyterm_new");
        assertThat(looks.get()).isEqualTo(3);
    }

    @Test
    void waitStillEndsAtItsTimeoutWhenTheCatalogueNeverComesBack() throws Exception {
        // Given a catalogue that is always away
        BackupRequested request = BackupRequested.of("amyterm", BackupReason.MANUAL, "alice", "k-2", Instant.now());
        services = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        services.createContext("/backups", exchange -> answer(exchange, 202, EventJson.write(request)));
        services.createContext("/catalogue/backups/", exchange -> answer(exchange, 503, "{\"detail\":\"away\"}"));
        services.start();
        String url = "http://127.0.0.1:" + services.getAddress().getPort();

        // When an operator waits at most 3 s
        int exit = AmytermBackup.run(new String[] {"--backup-url", url, "--storage-url", url, "backup", "amyterm",
                "--wait", "stored", "--timeout", "3s"}, new PrintWriter(out, true), new PrintWriter(err, true));

        // Then it ends as timed out, not as a failed backup
        assertThat(exit).isEqualTo(ExitCode.TIMED_OUT);
        assertThat(err.toString()).contains("was not stored within");
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static BackupSummary verified(String id) {
        Manifest manifest = new Manifest(1, id, "amyterm", BackupReason.MANUAL, NodeRole.CENTRAL, "15", "pg_dump 15", "1",
                Map.of(), new Manifest.Archive("pg_dump-custom", "zstd", 1, "a"), new Manifest.Encryption("m", "a", "k", null),
                new Manifest.StoredObject("key", 1, "b"), Instant.EPOCH, Instant.EPOCH, Instant.EPOCH);
        Verification verification = new Verification(1, id, "amyterm", true, "s", "pg_restore", Instant.EPOCH,
                Instant.EPOCH, 1, 1, List.of(new CheckResult("row-counts", true, "")));
        return new BackupSummary(id, "amyterm", BackupSummary.stateOf(manifest, verification), manifest, verification, null);
    }
}
