package org.amyterm.backup.console;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.amyterm.backup.objectstore.S3ObjectStore;
import org.amyterm.backup.objectstore.S3Settings;
import org.amyterm.backup.objectstore.UploadSettings;
import org.amyterm.backup.testsupport.FreePort;
import org.amyterm.backup.testsupport.GpgKey;
import org.amyterm.backup.testsupport.OidcProviderServer;
import org.amyterm.backup.testsupport.S3ProxyServer;
import org.amyterm.backup.testsupport.TestDirs;
import org.amyterm.backup.testsupport.TestServers;

/**
 * An OpenID Connect provider (the stand-in, as a process) that the console signs people in with and
 * whose tokens it trusts, as a deployment's would; and an empty bucket of the console's own.
 */
public class IdentityProvider implements QuarkusTestResourceLifecycleManager {
    static final String NAME = "Example SSO";
    static OidcProviderServer provider;

    @Override
    public Map<String, String> start() {
        provider = OidcProviderServer.start("console-oidc-provider");
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.oidc.tenant-enabled", "true");
        config.put("quarkus.oidc.auth-server-url", provider.issuer());
        config.put("quarkus.oidc.client-id", OidcProviderServer.CLIENT_ID);
        config.put("quarkus.oidc.credentials.secret", provider.clientSecret());
        // the tokens the console keeps are the provider's: trusted as the services would trust them
        config.put("mp.jwt.verify.publickey.location", provider.jwksUrl());
        config.put("mp.jwt.verify.issuer", provider.issuer());
        config.put("amyterm.console.identity-provider.name", NAME);
        config.put("amyterm.console.session.secure-cookie", "false");
        S3ProxyServer s3 = TestServers.s3();
        config.putAll(s3.storeConfig("console-oidc"));
        config.put("amyterm.store.create-bucket", "false");
        String keyFile = GpgKey.generateSigning(TestDirs.server("console-oidc-key")).publicKey().toString();
        config.put("amyterm.store.trust.manifest-key-files", keyFile);
        config.put("amyterm.store.trust.evidence-key-files", keyFile);
        String away = "http://127.0.0.1:" + FreePort.next();
        config.put("quarkus.rest-client.backup.url", away);
        config.put("quarkus.rest-client.verifier.url", away);
        config.put("quarkus.rest-client.notifier.url", away);
        try (S3ObjectStore store = S3ObjectStore.connect(new S3Settings(Optional.of(URI.create(s3.endpoint())), "us-east-1",
                "console-oidc", true, new UploadSettings(S3Settings.MIN_PART_SIZE, 1, 2L * S3Settings.MIN_PART_SIZE,
                        Duration.ofMinutes(1))))) {
            store.createBucketIfMissing();
        }
        return config;
    }

    @Override
    public void stop() {
        if (provider != null) {
            provider.stop();
        }
    }
}
