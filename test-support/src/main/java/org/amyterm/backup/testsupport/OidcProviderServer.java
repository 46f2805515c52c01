package org.amyterm.backup.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The OpenID Connect provider stand-in ({@link OidcProviderStandIn}) in a JVM of its own, with one
 * confidential client and users by group: {@code alice} (operator), {@code victor} (viewer) and
 * {@code nobody} (no group the console knows). Its access tokens name {@link ApiTokens#AUDIENCE}.
 */
public final class OidcProviderServer {
    public static final String CLIENT_ID = "amyterm-console";

    private final ServerProcess process;
    private final int port;
    private final String clientSecret;

    private OidcProviderServer(ServerProcess process, int port, String clientSecret) {
        this.process = process;
        this.port = port;
        this.clientSecret = clientSecret;
    }

    public static OidcProviderServer start(String name) {
        Path dir = TestDirs.server(name);
        int port = FreePort.next();
        String secret = "oidc-" + UUID.randomUUID();
        Path config = dir.resolve("oidc.properties");
        try {
            Files.writeString(config, String.join("\n", "port=" + port, "client.id=" + CLIENT_ID,
                    "client.secret=" + secret, "audience=" + ApiTokens.AUDIENCE,
                    "user.alice=operator", "user.victor=viewer", "user.nobody=", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String classes = Path.of(OidcProviderStandIn.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .toString();
        List<String> command = new ArrayList<>(TestJvm.command("-Xmx64m", "-XX:+UseSerialGC", "-cp",
                classes + ":" + Classpaths.of("kafka"), OidcProviderStandIn.class.getName(), config.toString()));
        ServerProcess process = ServerProcess.start(name, command, Map.of(), dir, dir.resolve("oidc.log"));
        FreePort.awaitListening(port, Duration.ofSeconds(60), process);
        return new OidcProviderServer(process, port, secret);
    }

    /** The issuer, as its discovery document and tokens name it ({@code quarkus.oidc.auth-server-url}). */
    public String issuer() {
        return "http://127.0.0.1:" + port + "/realms/amyterm";
    }

    /** Where its public keys are ({@code mp.jwt.verify.publickey.location} of whoever trusts its tokens). */
    public String jwksUrl() {
        return issuer() + "/protocol/openid-connect/certs";
    }

    public String clientSecret() {
        return clientSecret;
    }

    public void stop() {
        process.stop("TERM");
    }
}
