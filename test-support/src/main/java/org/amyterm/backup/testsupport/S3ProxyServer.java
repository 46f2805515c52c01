package org.amyterm.backup.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** S3Proxy (the S3 API over a local folder), in a JVM of its own; it can be stopped and started again (an outage). */
public final class S3ProxyServer {
    private final String name;
    private final Path dir;
    private final Path config;
    private final int port;
    private final String accessKey;
    private final String secretKey;
    private final Path dataDir;
    private volatile ServerProcess process;

    private S3ProxyServer(String name, Path dir, Path config, int port, String accessKey, String secretKey,
            Path dataDir) {
        this.name = name;
        this.dir = dir;
        this.config = config;
        this.port = port;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.dataDir = dataDir;
    }

    public static S3ProxyServer start(String name) {
        Path dir = TestDirs.server(name);
        int port = FreePort.next();
        String accessKey = "test-" + UUID.randomUUID().toString().substring(0, 8);
        String secretKey = UUID.randomUUID().toString();
        Path data = TestDirs.create(dir.resolve("data-" + port));
        Path config = dir.resolve("s3proxy.properties");
        try {
            Files.writeString(config, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + accessKey,
                    "s3proxy.credential=" + secretKey,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + data,
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        S3ProxyServer server = new S3ProxyServer(name, dir, config, port, accessKey, secretKey, data);
        server.startProcess();
        return server;
    }

    private void startProcess() {
        process = ServerProcess.start(name, TestJvm.command("-Xmx256m", "-XX:+UseSerialGC", "-cp",
                Classpaths.of("s3proxy"), "org.gaul.s3proxy.Main", "--properties", config.toString()), Map.of(), dir,
                dir.resolve("s3proxy.log"));
        FreePort.awaitListening(port, Duration.ofSeconds(60), process);
    }

    /** Starts the server again after {@link #stop()}: same port, credentials and data. */
    public synchronized void startAgain() {
        if (!process.isAlive()) {
            startProcess();
        }
    }

    public int port() {
        return port;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** The folder S3Proxy keeps buckets in: {@code <dataDir>/<bucket>/<key>}. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * The services' configuration for a bucket on this server (created at start-up). The SDK reads
     * the credentials from system properties, as it would from the environment in production.
     */
    public java.util.Map<String, String> storeConfig(String bucket) {
        System.setProperty("aws.accessKeyId", accessKey);
        System.setProperty("aws.secretAccessKey", secretKey);
        return java.util.Map.of(
                "amyterm.store.endpoint", endpoint(),
                "amyterm.store.bucket", bucket,
                "amyterm.store.path-style", "true",
                "amyterm.store.create-bucket", "true");
    }

    public ServerProcess process() {
        return process;
    }

    public synchronized void stop() {
        process.stop("TERM");
    }
}
