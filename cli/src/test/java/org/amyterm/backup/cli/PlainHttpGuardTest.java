package org.amyterm.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The API token and a target's password never cross the network in clear unless the operator says so, loudly. */
class PlainHttpGuardTest {
    private final StringWriter err = new StringWriter();

    @Test
    void aTokenIsNotSentOverPlainHttpToAnotherHost() {
        // Given a client holding a token, pointed at a remote storage service over http://
        ServiceClient client = client("http://backups.example.org:8082", false);

        // When it asks for the status, Then it refuses before any connection, naming https and the override
        assertThatThrownBy(client::status).isInstanceOfSatisfying(CliException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(e.getMessage()).contains("the API token", "backups.example.org", "https://", "--allow-plain-http");
        });
    }

    @Test
    void loopbackAndHttpsAreAllowedAndTheOverrideWarnsOnce() {
        PlainHttpGuard strict = new PlainHttpGuard(false, new PrintWriter(err, true));
        strict.check(URI.create("http://127.0.0.1:8082/status"), "the API token");
        strict.check(URI.create("http://localhost:8082/status"), "the API token");
        strict.check(URI.create("http://[::1]:8082/status"), "the API token");
        strict.check(URI.create("https://backups.example.org/status"), "the API token");
        assertThat(err.toString()).isEmpty();

        PlainHttpGuard allowed = new PlainHttpGuard(true, new PrintWriter(err, true));
        allowed.check(URI.create("http://backups.example.org/status"), "the API token");
        allowed.check(URI.create("http://backups.example.org/backups"), "the API token");
        assertThat(err.toString()).containsOnlyOnce("WARNING").contains("backups.example.org", "plain HTTP");
    }

    @Test
    void aTargetPasswordIsNotSentOverPlainHttpEvenWithoutAToken() {
        ServiceClient client = new ServiceClient(URI.create("http://127.0.0.1:1"), URI.create("http://127.0.0.1:1"),
                URI.create("http://verifier.example.org:8083"), URI.create("http://127.0.0.1:1"), java.util.Optional.empty(),
                new PlainHttpGuard(false, new PrintWriter(err, true)));
        assertThatThrownBy(() -> client.startRestore(Map.of("database", "amyterm", "targetPassword", "s3cret")))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.getMessage())
                        .contains("the target's password").doesNotContain("s3cret"));
    }

    private ServiceClient client(String storageUrl, boolean allowPlainHttp) {
        return new ServiceClient(URI.create("http://127.0.0.1:1"), URI.create(storageUrl), URI.create("http://127.0.0.1:1"),
                URI.create("http://127.0.0.1:1"),
                ApiToken.from(Map.of(ApiToken.ENV, "header.payload.signature")),
                new PlainHttpGuard(allowPlainHttp, new PrintWriter(err, true)));
    }
}
