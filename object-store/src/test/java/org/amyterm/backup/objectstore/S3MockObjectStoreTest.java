package org.amyterm.backup.objectstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.amyterm.backup.testsupport.S3MockServer;
import org.amyterm.backup.testsupport.TestServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Object Lock, on S3Mock (S3Proxy has none; S3Mock accepts the headers but keeps no lock): with a
 * lock mode configured, the requests that create the multipart dump and the text objects carry the
 * mode and the retain-until date, and the server accepts them.
 */
class S3MockObjectStoreTest {
    private static final String BUCKET = "locked-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    private static S3Client client;
    private static S3MockServer s3;
    private static final java.util.List<SdkHttpRequest> SENT = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        s3 = TestServers.s3mock();
        client = S3Client.builder().endpointOverride(URI.create(s3.endpoint())).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("any", "any")))
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        SENT.add(context.httpRequest());
                    }
                })).build();
        client.createBucket(b -> b.bucket(BUCKET).objectLockEnabledForBucket(true));
        // AWS turns versioning on with Object Lock; S3Mock has to be told
        client.putBucketVersioning(b -> b.bucket(BUCKET).versioningConfiguration(v -> v.status(
                software.amazon.awssdk.services.s3.model.BucketVersioningStatus.ENABLED)));
    }

    @Test
    void objectsCarryTheConfiguredLockModeAndTheirRetainUntilDate() throws Exception {
        // Given a store in governance mode, and a retain-until date 35 days ahead
        S3ObjectStore store = store(Optional.of(ObjectLockMode.GOVERNANCE));
        Instant until = Instant.now().plus(35, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);

        // When an encrypted dump and its manifest are stored with that date
        try (ObjectStore.Upload upload = store.startUpload("db/dump.gpg", 0, until)) {
            upload.stream().write(new byte[1000]);
            upload.complete();
        }
        assertThat(store.putTextIfAbsent("db/manifest.json", "{}", until)).isTrue();
        store.putText("db/manifest.json.sig", "sig", until);

        // Then each creating request (the multipart upload's start, each PUT) asked for that lock, and was accepted
        for (String key : new String[] {"db/dump.gpg", "db/manifest.json", "db/manifest.json.sig"}) {
            SdkHttpRequest creating = SENT.stream().filter(r -> r.encodedPath().endsWith("/" + key))
                    .filter(r -> r.method() == SdkHttpMethod.PUT && !r.rawQueryParameters().containsKey("partNumber")
                            || r.method() == SdkHttpMethod.POST && r.rawQueryParameters().containsKey("uploads"))
                    .findFirst().orElseThrow(() -> new AssertionError("no request created " + key));
            assertThat(creating.firstMatchingHeader("x-amz-object-lock-mode")).as(key).contains("GOVERNANCE");
            assertThat(creating.firstMatchingHeader("x-amz-object-lock-retain-until-date").map(Instant::parse))
                    .as(key).contains(until);
            assertThat(store.exists(key)).as(key).isTrue();
        }
    }

    @Test
    void withoutALockModeNoLockIsAskedFor() throws Exception {
        S3ObjectStore store = store(Optional.empty());
        store.putText("free/manifest.json", "{}", Instant.now().plus(1, ChronoUnit.DAYS));
        assertThat(SENT.stream().filter(r -> r.encodedPath().endsWith("/free/manifest.json")))
                .isNotEmpty().allSatisfy(r -> assertThat(r.firstMatchingHeader("x-amz-object-lock-mode")).isEmpty());
    }

    @Test
    void aLockIsExtendedWhileItIsNeededAndNeverShortened() {
        // Given an object locked for 35 days
        S3ObjectStore store = store(Optional.of(ObjectLockMode.GOVERNANCE));
        Instant stored = Instant.now().plus(35, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        store.putText("kept/manifest.json", "{}", stored);

        // When it must be kept longer, Then its lock is extended
        Instant later = stored.plus(7, ChronoUnit.DAYS);
        assertThat(store.extendLock("kept/manifest.json", later)).isTrue();
        assertThat(retainUntil("kept/manifest.json")).isEqualTo(later);

        // and a shorter date changes nothing
        assertThat(store.extendLock("kept/manifest.json", stored)).isFalse();
        assertThat(retainUntil("kept/manifest.json")).isEqualTo(later);

        // and without a lock mode nothing is asked for
        assertThat(store(Optional.empty()).extendLock("kept/manifest.json", later.plus(1, ChronoUnit.DAYS))).isFalse();
        assertThat(retainUntil("kept/manifest.json")).isEqualTo(later);
    }

    @Test
    void aDeleteInALockedBucketRemovesEveryVersionSoItFreesTheStorage() {
        // Given an unlocked object written twice in the (versioned) locked bucket, and another beside it
        S3ObjectStore store = store(Optional.of(ObjectLockMode.GOVERNANCE));
        store.putText("gone/manifest.json", "{\"v\":1}", null);
        store.putText("gone/manifest.json", "{\"v\":2}", null);
        store.putText("gone/manifest.json.sig", "sig", null);
        assertThat(versions("gone/manifest.json")).hasSize(2);

        // When it is deleted
        store.delete("gone/manifest.json");

        // Then no version and no delete marker of it is left, and its neighbour is untouched
        assertThat(versions("gone/manifest.json")).isEmpty();
        assertThat(store.exists("gone/manifest.json")).isFalse();
        assertThat(store.exists("gone/manifest.json.sig")).isTrue();
    }

    private static Instant retainUntil(String key) {
        return client.getObjectRetention(b -> b.bucket(BUCKET).key(key)).retention().retainUntilDate();
    }

    /** Every version and delete marker of exactly {@code key}. */
    private static java.util.List<String> versions(String key) {
        var listed = client.listObjectVersions(b -> b.bucket(BUCKET).prefix(key));
        java.util.List<String> found = new java.util.ArrayList<>();
        listed.versions().stream().filter(v -> v.key().equals(key)).forEach(v -> found.add(v.versionId()));
        listed.deleteMarkers().stream().filter(m -> m.key().equals(key)).forEach(m -> found.add("marker " + m.versionId()));
        return found;
    }

    private static S3ObjectStore store(Optional<ObjectLockMode> mode) {
        return new S3ObjectStore(client, new S3Settings(Optional.of(URI.create(s3.endpoint())), "us-east-1", BUCKET, true,
                new UploadSettings(S3Settings.MIN_PART_SIZE, 2, 3L * S3Settings.MIN_PART_SIZE, Duration.ofMinutes(1)),
                RetrySettings.DEFAULT, mode, TransferChecksums.WHEN_SUPPORTED));
    }
}
