package org.amyterm.backup.dumper.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.amyterm.backup.dumper.config.SourceServer;
import org.amyterm.backup.testsupport.PostgresServer;
import org.amyterm.backup.testsupport.TestServers;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** Readiness follows the source servers: ready while each accepts the backup role, and says which does not. */
class SourceReadinessTest {
    private final PostgresServer postgres = TestServers.postgres();

    @Test
    void readyWhileTheServerAcceptsTheLoginAndNotWhenOneIsAwayNamingIt() throws Exception {
        SourceServer reachable = new SourceServer("central", postgres.host(), postgres.port(), PostgresServer.SUPERUSER,
                new SourceServer.PasswordValue(Optional.of(postgres.password())), 1);
        Map<SourceServer, String> servers = new LinkedHashMap<>();
        servers.put(reachable, "postgres");

        assertThat(SourceReadiness.check(servers).getStatus()).isEqualTo(HealthCheckResponse.Status.UP);

        // a second server nobody listens on
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        servers.put(new SourceServer("regions", "127.0.0.1", closed, "amyterm_backup",
                new SourceServer.PasswordValue(Optional.of("S3cret-never-shown")), 1), "postgres");
        HealthCheckResponse down = SourceReadiness.check(servers);

        assertThat(down.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(down.getData().orElseThrow()).containsEntry("central",
                PostgresServer.SUPERUSER + "@" + postgres.host() + ":" + postgres.port() + ": ok");
        assertThat(String.valueOf(down.getData().orElseThrow().get("regions"))).contains("amyterm_backup@127.0.0.1:" + closed)
                .doesNotContain("S3cret");
    }
}
