package org.amyterm.backup.storage.upload;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.amyterm.backup.testsupport.GpgKey;
import org.amyterm.backup.testsupport.S3ProxyServer;
import org.amyterm.backup.testsupport.TestDirs;
import org.amyterm.backup.testsupport.TestServers;

/** S3Proxy, a spool folder and a gpg key pair; the storage service's Kafka channels in memory. */
public class StoreResource implements QuarkusTestResourceLifecycleManager {
    static final String BUCKET = "storage-unit";
    static Path spool;
    static S3ProxyServer s3;
    static GpgKey key;
    /** The storage service's manifest-signing key. */
    public static GpgKey signingKey;
    /** The verifiers' evidence-signing key, whose signatures the catalogue believes. */
    public static GpgKey evidenceKey;
    /** A second recipient, as an escrow key beside the operations key. */
    static GpgKey escrowKey;
    /** Small parts, so that a few MiB of test data make a multipart upload of several parts. */
    static final int PART_SIZE = 5 * 1024 * 1024;

    @Override
    public Map<String, String> start() {
        s3 = TestServers.s3();
        spool = TestDirs.server("storage-spool");
        if (key == null) {
            key = GpgKey.generate(TestDirs.server("storage-key"));
            signingKey = GpgKey.generateSigning(TestDirs.server("storage-signing-key"));
            escrowKey = GpgKey.generate(TestDirs.server("storage-escrow"));
            evidenceKey = GpgKey.generateSigning(TestDirs.server("storage-evidence-key"));
        }
        Map<String, String> config = new HashMap<>();
        config.putAll(InMemoryConnector.switchIncomingChannelsToInMemory("backup-dumps", "backup-failed"));
        config.putAll(InMemoryConnector.switchOutgoingChannelsToInMemory("events"));
        config.putAll(s3.storeConfig(BUCKET));
        config.put("quarkus.log.category.\"software.amazon\".level", "WARN");
        config.put("quarkus.http.test-port", "0"); // a free port: another JVM may hold 8081
        config.put("amyterm.storage.spool-dir", spool.toString());
        config.put("amyterm.store.upload.part-size-bytes", Integer.toString(PART_SIZE));
        config.put("amyterm.store.upload.buffer-memory-bytes", Integer.toString(4 * PART_SIZE));
        config.put("amyterm.storage.follow.claim-timeout", "5s");
        config.put("amyterm.storage.encryption.public-key-file", key.publicKey() + "," + escrowKey.publicKey());
        config.put("amyterm.storage.signing.secret-key-file", signingKey.secretKey().toString());
        config.put("amyterm.store.trust.manifest-key-files", signingKey.publicKey().toString());
        config.put("amyterm.store.trust.evidence-key-files", evidenceKey.publicKey().toString());
        // an outage reaches the storing code in seconds, not after the SDK's minutes of retries
        config.put("amyterm.store.retry.max-attempts", "2");
        config.put("amyterm.store.retry.max-backoff", "1s");
        config.put("amyterm.storage.retry.initial-delay", "1s");
        config.put("amyterm.storage.retry.max-delay", "5s");
        return config;
    }

    @Override
    public void stop() {
        InMemoryConnector.clear();
    }
}
