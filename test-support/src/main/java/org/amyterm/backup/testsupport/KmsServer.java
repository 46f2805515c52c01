package org.amyterm.backup.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The KMS stand-in ({@link KmsStandIn}) in a JVM of its own, with one key and three principals:
 * the storage service's, allowed only {@code GenerateDataKey}; the verifier's, allowed only
 * {@code Decrypt}; and the operator's (who also reads the bucket), allowed {@code Decrypt}.
 */
public final class KmsServer {
    public static final String ALIAS = "alias/amyterm-backup";

    private final ServerProcess process;
    private final int port;
    private final String keyArn;
    private final Credentials storage;
    private final Credentials verifier;

    /** An access key pair (the stand-in checks the access key id; the SDK signs with both). */
    public record Credentials(String accessKeyId, String secretAccessKey) {
        @Override
        public String toString() {
            return "Credentials[" + accessKeyId + ", ***]";
        }
    }

    private KmsServer(ServerProcess process, int port, String keyArn, Credentials storage, Credentials verifier) {
        this.process = process;
        this.port = port;
        this.keyArn = keyArn;
        this.storage = storage;
        this.verifier = verifier;
    }

    /** {@code operatorAccessKey}: an access key id (the bucket's, in tests) that may also Decrypt. */
    public static KmsServer start(String name, String operatorAccessKey) {
        Path dir = TestDirs.server(name);
        int port = FreePort.next();
        String keyArn = "arn:aws:kms:us-east-1:111122223333:key/" + UUID.randomUUID();
        Credentials storage = new Credentials("AKIASTORAGE" + suffix(), UUID.randomUUID().toString());
        Credentials verifier = new Credentials("AKIAVERIFIER" + suffix(), UUID.randomUUID().toString());
        byte[] material = new byte[32];
        new SecureRandom().nextBytes(material);
        Path config = dir.resolve("kms.properties");
        try {
            Files.writeString(config, String.join("\n",
                    "port=" + port,
                    "key.arn=" + keyArn,
                    "key.alias=" + ALIAS,
                    "key.material=" + Base64.getEncoder().encodeToString(material),
                    "grant." + storage.accessKeyId() + "=GenerateDataKey",
                    "grant." + verifier.accessKeyId() + "=Decrypt",
                    "grant." + operatorAccessKey + "=Decrypt",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String classes = Path.of(KmsStandIn.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
        ServerProcess process = ServerProcess.start(name, TestJvm.command("-Xmx64m", "-XX:+UseSerialGC",
                "-cp", classes + ":" + Classpaths.of("kafka"), KmsStandIn.class.getName(), config.toString()), Map.of(),
                dir, dir.resolve("kms.log"));
        FreePort.awaitListening(port, Duration.ofSeconds(60), process);
        return new KmsServer(process, port, keyArn, storage, verifier);
    }

    private static String suffix() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 9).toUpperCase();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public String keyArn() {
        return keyArn;
    }

    /** Allowed GenerateDataKey only. */
    public Credentials storageCredentials() {
        return storage;
    }

    /** Allowed Decrypt only. */
    public Credentials verifierCredentials() {
        return verifier;
    }

    /**
     * Points the AWS SDK of this JVM at the stand-in through its standard configuration (endpoint,
     * region, a shared credentials file with a profile per principal), as the environment would in
     * production; returns that file.
     */
    public Path configureSdk(Path dir) {
        Path file = dir.resolve("aws-credentials");
        try {
            Files.writeString(file, String.join("\n",
                    "[" + STORAGE_PROFILE + "]",
                    "aws_access_key_id = " + storage.accessKeyId(),
                    "aws_secret_access_key = " + storage.secretAccessKey(),
                    "[" + VERIFIER_PROFILE + "]",
                    "aws_access_key_id = " + verifier.accessKeyId(),
                    "aws_secret_access_key = " + verifier.secretAccessKey(),
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.setProperty("aws.endpointUrlKms", endpoint());
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.sharedCredentialsFile", file.toString());
        return file;
    }

    public static final String STORAGE_PROFILE = "amyterm-storage-kms";
    public static final String VERIFIER_PROFILE = "amyterm-verifier-kms";

    public void stop() {
        process.stop("TERM");
    }
}
