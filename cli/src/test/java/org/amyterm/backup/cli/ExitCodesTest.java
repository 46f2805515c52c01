package org.amyterm.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Exit codes keep their meaning: "not found" and "not allowed" are never "the backup failed". */
class ExitCodesTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private HttpServer service;
    private String url;

    @BeforeEach
    void start() throws Exception {
        // a catalogue that knows no backup, and a backup service that refuses every token
        service = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        service.createContext("/catalogue/backups/", exchange -> answer(exchange, 404,
                "{\"status\":404,\"detail\":\"no backup in the bucket (yet)\"}"));
        service.createContext("/catalogue/status", exchange -> answer(exchange, 401, ""));
        service.createContext("/backups", exchange -> answer(exchange, 403, ""));
        service.start();
        url = "http://127.0.0.1:" + service.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        service.stop(0);
    }

    @Test
    void unknownBackupIdExitsSixNotOne() {
        assertThat(run("--storage-url", url, "show", "20261125T133200Z-1a2b3c4d")).isEqualTo(ExitCode.NOT_FOUND).isEqualTo(6);
        assertThat(err.toString()).contains("no backup 20261125T133200Z-1a2b3c4d");
    }

    @Test
    void missingTokenExitsFiveSayingWhereToPutIt() {
        assertThat(run("--storage-url", url, "status")).isEqualTo(ExitCode.NOT_AUTHORISED).isEqualTo(5);
        assertThat(err.toString()).contains("HTTP 401", "AMYTERM_BACKUP_TOKEN_FILE");
    }

    @Test
    void roleThatMayNotBackUpExitsFive() {
        assertThat(run("--backup-url", url, "backup", "amyterm")).isEqualTo(ExitCode.NOT_AUTHORISED);
        assertThat(err.toString()).contains("HTTP 403", "role operator");
    }

    private int run(String... args) {
        return AmytermBackup.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws java.io.IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }
}
