package org.amyterm.backup.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * S3Mock (Adobe's S3 API server) in a JVM of its own: unlike S3Proxy it accepts Object Lock
 * (buckets made with it, retention on objects) and answers GetObjectRetention, though it does not
 * enforce the lock. Used to test the requests Object Lock mode sends.
 */
public final class S3MockServer {
    private final ServerProcess process;
    private final int port;

    private S3MockServer(ServerProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    public static S3MockServer start(String name) {
        Path dir = TestDirs.server(name);
        int port = FreePort.next();
        int managementPort = FreePort.next();
        ServerProcess process = ServerProcess.start(name, TestJvm.command("-Xmx256m", "-XX:+UseSerialGC",
                "-jar", Classpaths.of("s3mock"), "--http.port=" + port, "--server.port=" + managementPort,
                "--server.address=127.0.0.1", "--com.adobe.testing.s3mock.store.root=" + TestDirs.create(dir.resolve("data")),
                "--logging.level.root=WARN"), Map.of(), dir, dir.resolve("s3mock.log"));
        FreePort.awaitListening(port, Duration.ofSeconds(90), process);
        return new S3MockServer(process, port);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public void stop() {
        process.stop("TERM");
    }
}
