package org.amyterm.backup.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.amyterm.backup.testsupport.FreePort;
import org.amyterm.backup.testsupport.S3ProxyServer;
import org.amyterm.backup.testsupport.TestServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The object store contract against S3Proxy, a real S3 API server. */
class S3ObjectStoreTest extends ObjectStoreContract {
    private static final int PART = S3Settings.MIN_PART_SIZE;
    private static S3ObjectStore store;

    @BeforeAll
    static void connect() {
        S3ProxyServer s3 = TestServers.s3();
        store = new S3ObjectStore(client(s3.endpoint(), s3.accessKey(), s3.secretKey()), settings(s3.endpoint()));
        store.createBucketIfMissing();
    }

    @Override
    protected ObjectStore store() {
        return store;
    }

    @Override
    protected int partSize() {
        return PART;
    }

    @Test
    void unreachableStoreIsARetryableFailure() {
        String nowhere = "http://127.0.0.1:" + FreePort.next();
        S3ObjectStore down = new S3ObjectStore(client(nowhere, "a", "b"), settings(nowhere));
        assertThatThrownBy(() -> down.getText("x"))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.isRetryable()).isTrue())
                .hasMessageContaining("unreachable");
    }

    @Test
    void aStoreThatAcceptsAndNeverAnswersIsGivenUpOnAfterTheCallTimeout() throws Exception {
        // Given a server that accepts connections and never answers (a hung proxy, a stalled endpoint)
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread accept = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept());
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            accept.setDaemon(true);
            accept.start();
            String endpoint = "http://127.0.0.1:" + silent.getLocalPort();
            S3Settings settings = settings(endpoint);
            S3ObjectStore stalled = new S3ObjectStore(client(endpoint, "a", "b"), new S3Settings(settings.endpoint(),
                    settings.region(), settings.bucket(), true, settings.upload(),
                    new RetrySettings(8, Duration.ofSeconds(1), Duration.ofSeconds(2)), Optional.empty(),
                    TransferChecksums.WHEN_SUPPORTED));

            // When a manifest is looked up, Then the call ends at its timeout as a retryable fault
            assertThatThrownBy(() -> stalled.exists("x")).isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                assertThat(e.isRetryable()).isTrue();
                assertThat(e).hasCauseInstanceOf(software.amazon.awssdk.core.exception.ApiCallTimeoutException.class);
            });
            assertThat(held).isNotEmpty();
            for (java.net.Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void wrongCredentialsArePermanentAndSaySo() {
        S3ProxyServer s3 = TestServers.s3();
        S3ObjectStore refused = new S3ObjectStore(client(s3.endpoint(), s3.accessKey(), "wrong"), settings(s3.endpoint()));
        assertThatThrownBy(() -> refused.putText("x", "y"))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.isRetryable()).isFalse())
                .hasMessageContaining("HTTP 403");
    }

    @Test
    void partSizeBelowTheS3MinimumIsRefused() {
        assertThatThrownBy(() -> new UploadSettings(1024, 4, 64L << 20, Duration.ofMinutes(1)))
                .hasMessageContaining("at least 5 MiB");
    }

    @Test
    void objectThatCannotFitInTenThousandPartsIsRefusedBeforeItsFirstByte() {
        // Given a store whose buffer memory allows parts of at most 5 MiB
        S3ProxyServer s3 = TestServers.s3();
        S3ObjectStore small = new S3ObjectStore(client(s3.endpoint(), s3.accessKey(), s3.secretKey()),
                new S3Settings(Optional.of(URI.create(s3.endpoint())), "us-east-1", "contract", true,
                        new UploadSettings(PART, 1, 2L * PART, Duration.ofMinutes(1))));
        // When an object of 100 GiB is announced, Then it is refused at once, naming the setting to raise
        assertThatThrownBy(() -> small.startUpload("huge", 100L << 30))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.isRetryable()).isFalse())
                .hasMessageContaining("amyterm.store.upload.buffer-memory");
        assertThat(small.inProgressUploads("huge")).isEmpty();
    }

    @Test
    void partsCarryACrc32ForTheStoreToCheckUnlessChecksumsAreOnlyWhenRequired() throws Exception {
        // Given the services' own client (S3ObjectStore.connect), once with each amyterm.store.checksums
        S3ProxyServer s3 = TestServers.s3();
        byte[] data = new byte[PART + 1000];
        new java.util.Random(3).nextBytes(data);
        S3Settings base = settings(s3.endpoint());
        s3.storeConfig(base.bucket()); // the services' credentials, which connect reads as a service does
        java.util.Map<TransferChecksums, List<RecordedS3Requests.Request>> parts = new java.util.EnumMap<>(TransferChecksums.class);
        for (TransferChecksums checksums : TransferChecksums.values()) {
            String key = "checksums-" + checksums + "-" + java.util.UUID.randomUUID();
            try (S3ObjectStore connected = S3ObjectStore.connect(new S3Settings(base.endpoint(), base.region(), base.bucket(),
                    true, base.upload(), RetrySettings.DEFAULT, Optional.empty(), checksums))) {
                // When an object of two parts is uploaded
                try (ObjectStore.Upload upload = connected.startUpload(key, data.length)) {
                    upload.stream().write(data);
                    upload.complete();
                }
                // Then the store took it whole, with either setting
                try (java.io.InputStream in = connected.open(key)) {
                    assertThat(in.readAllBytes()).isEqualTo(data);
                }
            }
            parts.put(checksums, RecordedS3Requests.of("UploadPart", key));
        }

        // and by default each part carried a CRC32 after its body, which the store checks
        assertThat(parts.get(TransferChecksums.WHEN_SUPPORTED)).hasSize(2).allSatisfy(part ->
                assertThat(part.headers()).containsEntry("x-amz-trailer", "x-amz-checksum-crc32"));
        // while with when-required no part carried a checksum of any kind
        assertThat(parts.get(TransferChecksums.WHEN_REQUIRED)).hasSize(2).allSatisfy(part ->
                assertThat(part.headers().keySet()).noneMatch(h -> h.equals("x-amz-trailer") || h.startsWith("x-amz-checksum")
                        || h.equals("x-amz-sdk-checksum-algorithm")));
        // and over plain HTTP the SDK signs every part's payload whichever is chosen (docs/configuration.md)
        assertThat(parts.values()).allSatisfy(sent -> assertThat(sent).allSatisfy(part ->
                assertThat(part.headers().get("x-amz-content-sha256")).startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD")));
    }

    @Test
    void objectLockWithChecksumsOnlyWhenRequiredIsRefused() {
        S3Settings base = settings("http://127.0.0.1:9");
        assertThatThrownBy(() -> new S3Settings(base.endpoint(), base.region(), base.bucket(), true, base.upload(),
                RetrySettings.DEFAULT, Optional.of(software.amazon.awssdk.services.s3.model.ObjectLockMode.COMPLIANCE),
                TransferChecksums.WHEN_REQUIRED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("amyterm.store.checksums=when-required")
                .hasMessageContaining("amyterm.store.object-lock.mode=compliance");
    }

    static S3Settings settings(String endpoint) {
        return new S3Settings(Optional.of(URI.create(endpoint)), "us-east-1", "contract", true,
                new UploadSettings(PART, 3, 4L * PART, Duration.ofMinutes(1)));
    }

    private static S3Client client(String endpoint, String accessKey, String secretKey) {
        return S3Client.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .build();
    }
}
