package org.amyterm.backup.objectstore;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The object store over the S3 API (AWS S3, MinIO, Ceph, S3Proxy …) with the AWS SDK v2. */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {
    private final S3Client s3;
    private final S3Settings settings;
    private final PartBuffers partBuffers;
    private final ExecutorService partSenders;

    public S3ObjectStore(S3Client s3, S3Settings settings) {
        this.s3 = s3;
        this.settings = settings;
        this.partBuffers = new PartBuffers(settings.upload().bufferMemoryBytes(), settings.upload().partTimeout());
        AtomicInteger threads = new AtomicInteger();
        this.partSenders = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "s3-part-sender-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    public static S3ObjectStore connect(S3Settings settings) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(settings.retry().maxAttempts())
                        .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(100),
                                settings.retry().maxBackoff()))
                        // an outage must not switch retries off for everyone: the caller bounds them in time
                        .circuitBreakerEnabled(false)
                        .build()))
                .requestChecksumCalculation(settings.checksums().requests())
                .responseChecksumValidation(settings.checksums().responses())
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle());
        settings.endpoint().ifPresent(builder::endpointOverride);
        return new S3ObjectStore(builder.build(), settings);
    }

    S3Client client() {
        return s3;
    }

    @Override
    public String bucket() {
        return settings.bucket();
    }

    /**
     * Asks the bucket once (HeadBucket), bounded by {@code timeout} whatever the retry settings;
     * throws what the store answered or why it did not.
     */
    public void requireReachable(java.time.Duration timeout) {
        s3.headBucket(b -> b.bucket(settings.bucket()).overrideConfiguration(o -> o.apiCallTimeout(timeout)));
    }

    /** Creates the bucket unless it exists. */
    public void createBucketIfMissing() {
        call("create bucket " + bucket(), () -> {
            try {
                s3.headBucket(b -> b.bucket(settings.bucket()));
            } catch (software.amazon.awssdk.services.s3.model.NoSuchBucketException e) {
                s3.createBucket(b -> b.bucket(settings.bucket()));
            } catch (S3Exception e) {
                if (e.statusCode() != 404) {
                    throw e;
                }
                s3.createBucket(b -> b.bucket(settings.bucket()));
            }
            return null;
        });
    }

    @Override
    public Upload startUpload(String key, long expectedBytes, Instant retainUntil) {
        return call("start the upload of " + key, () -> MultipartUpload.start(s3, settings.bucket(), key,
                settings.upload(), partBuffers, partSenders, expectedBytes, lock(retainUntil)));
    }

    @Override
    public void putText(String key, String text, Instant retainUntil) {
        call("write " + key, () -> s3.putObject(b -> lock(retainUntil).apply(b.bucket(settings.bucket()).key(key)
                .contentType("application/json; charset=utf-8").overrideConfiguration(this::bounded)),
                RequestBody.fromString(text, StandardCharsets.UTF_8)));
    }

    /** A request that is not a stream gives up after the call timeout, its retries included. */
    private void bounded(AwsRequestOverrideConfiguration.Builder request) {
        request.apiCallTimeout(settings.retry().callTimeout());
    }

    /** The Object Lock of an object retained until {@code retainUntil}, if the bucket is so configured. */
    private ObjectLock lock(Instant retainUntil) {
        return settings.objectLock().isPresent() && retainUntil != null
                ? new ObjectLock(settings.objectLock().get(), retainUntil) : ObjectLock.NONE;
    }

    @Override
    public boolean putTextIfAbsent(String key, String text, Instant retainUntil) {
        return call("write " + key, () -> {
            try {
                s3.putObject(b -> lock(retainUntil).apply(b.bucket(settings.bucket()).key(key).ifNoneMatch("*")
                        .contentType("application/json; charset=utf-8").overrideConfiguration(this::bounded)), RequestBody.fromString(text, StandardCharsets.UTF_8));
                return true;
            } catch (S3Exception e) {
                if (isPreconditionFailed(e)) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** 412: the object exists; 409: a concurrent conditional write of the same key is in flight (AWS). */
    static boolean isPreconditionFailed(S3Exception e) {
        return e.statusCode() == 412 || e.statusCode() == 409;
    }

    @Override
    public Optional<String> getText(String key, long maxBytes) {
        return call("read " + key, () -> {
            try (software.amazon.awssdk.core.ResponseInputStream<software.amazon.awssdk.services.s3.model.GetObjectResponse> in =
                    s3.getObject(b -> b.bucket(settings.bucket()).key(key).overrideConfiguration(this::bounded))) {
                Long length = in.response().contentLength();
                if (length != null && length > maxBytes) {
                    in.abort(); // not read: the connection is dropped rather than drained
                    throw new ObjectTooLargeException(key, length, maxBytes);
                }
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    in.abort();
                    throw new ObjectTooLargeException(key, -1, maxBytes);
                }
                return Optional.of(new String(bytes, StandardCharsets.UTF_8));
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            } catch (java.io.IOException e) {
                throw SdkClientException.create("reading " + key + " broke off: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public InputStream open(String key) {
        return call("read " + key, () -> s3.getObject(b -> b.bucket(settings.bucket()).key(key)));
    }

    @Override
    public InputStream open(String key, long offset, long length) {
        if (offset < 0 || length < 1) {
            throw new IllegalArgumentException("a range of " + key + " starts at 0 or later and holds a byte or more");
        }
        return call("read " + key, () -> s3.getObject(b -> b.bucket(settings.bucket()).key(key)
                .range("bytes=" + offset + "-" + (offset + length - 1))));
    }

    @Override
    public boolean exists(String key) {
        return call("look up " + key, () -> {
            try {
                s3.headObject(HeadObjectRequest.builder().bucket(settings.bucket()).key(key)
                        .overrideConfiguration(this::bounded).build());
                return true;
            } catch (NoSuchKeyException e) {
                return false;
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<java.time.Instant> lastModified(String key) {
        return call("look up " + key, () -> {
            try {
                return Optional.of(s3.headObject(HeadObjectRequest.builder().bucket(settings.bucket()).key(key)
                        .overrideConfiguration(this::bounded).build())
                        .lastModified());
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    @Override
    public List<StoredObjectInfo> listObjects(String prefix) {
        return call("list " + prefix, () -> {
            List<StoredObjectInfo> objects = new ArrayList<>();
            s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(settings.bucket()).prefix(prefix)
                    .overrideConfiguration(this::bounded).build())
                    .contents().forEach(o -> objects.add(new StoredObjectInfo(o.key(), o.eTag(), o.size() == null ? 0 : o.size())));
            objects.sort(java.util.Comparator.comparing(StoredObjectInfo::key));
            return objects;
        });
    }

    @Override
    public List<String> childPrefixes(String prefix) {
        return call("list " + prefix, () -> {
            List<String> prefixes = new ArrayList<>();
            s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(settings.bucket()).prefix(prefix).delimiter("/")
                    .overrideConfiguration(this::bounded).build()).commonPrefixes().forEach(p -> prefixes.add(p.prefix()));
            prefixes.sort(null);
            return prefixes;
        });
    }

    /**
     * Deletes the object. In a bucket with Object Lock (always versioned) a plain delete only adds a
     * delete marker and frees nothing, so every version of the key, and its delete markers, is
     * deleted by its version id; a version still locked is refused by the store (and reported).
     */
    @Override
    public void delete(String key) {
        if (settings.objectLock().isEmpty()) {
            call("delete " + key, () -> s3.deleteObject(b -> b.bucket(settings.bucket()).key(key)
                    .overrideConfiguration(this::bounded)));
            return;
        }
        call("delete every version of " + key, () -> {
            List<String> versions = new ArrayList<>();
            s3.listObjectVersionsPaginator(b -> b.bucket(settings.bucket()).prefix(key).overrideConfiguration(this::bounded))
                    .forEach(page -> {
                        page.versions().stream().filter(v -> v.key().equals(key)).forEach(v -> versions.add(v.versionId()));
                        page.deleteMarkers().stream().filter(m -> m.key().equals(key)).forEach(m -> versions.add(m.versionId()));
                    });
            for (String version : versions) {
                s3.deleteObject(b -> b.bucket(settings.bucket()).key(key).versionId(version)
                        .overrideConfiguration(this::bounded));
            }
            return null;
        });
    }

    @Override
    public boolean locksObjects() {
        return settings.objectLock().isPresent();
    }

    @Override
    public boolean extendLock(String key, Instant until) {
        if (settings.objectLock().isEmpty()) {
            return false;
        }
        Instant wanted = until.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        return call("extend the lock of " + key, () -> {
            Instant current = null;
            try {
                current = s3.getObjectRetention(b -> b.bucket(settings.bucket()).key(key)
                        .overrideConfiguration(this::bounded)).retention().retainUntilDate();
            } catch (S3Exception e) {
                if (e.statusCode() != 404 && !"NoSuchObjectLockConfiguration".equals(e.awsErrorDetails() == null ? null
                        : e.awsErrorDetails().errorCode())) {
                    throw e;
                }
                // an object written without a lock (before the bucket had one): it gets one now
            }
            if (current != null && !current.isBefore(wanted)) {
                return false;
            }
            s3.putObjectRetention(b -> b.bucket(settings.bucket()).key(key)
                    .retention(r -> r.mode(settings.objectLock().get().toString()).retainUntilDate(wanted))
                    .overrideConfiguration(this::bounded));
            return true;
        });
    }

    @Override
    public List<PendingUpload> pendingUploads(String prefix) {
        return call("list the uploads in progress under " + prefix, () -> {
            List<PendingUpload> uploads = new ArrayList<>();
            s3.listMultipartUploadsPaginator(b -> b.bucket(settings.bucket()).prefix(prefix)
                    .overrideConfiguration(this::bounded)).uploads()
                    .forEach(upload -> uploads.add(new PendingUpload(upload.key(), upload.uploadId(), upload.initiated())));
            return uploads;
        });
    }

    @Override
    public void abortPendingUpload(PendingUpload upload) {
        call("abort the upload of " + upload.key(), () -> {
            try {
                s3.abortMultipartUpload(b -> b.bucket(settings.bucket()).key(upload.key()).uploadId(upload.uploadId())
                        .overrideConfiguration(this::bounded));
            } catch (NoSuchUploadException gone) {
                // aborted or completed meanwhile
            }
            return null;
        });
    }

    @Override
    public void close() {
        partSenders.shutdownNow();
        s3.close();
    }

    /** Runs one S3 call, mapping the SDK's failures to ObjectStoreException with a usable message. */
    static <T> T call(String what, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (ObjectStoreException e) {
            throw e;
        } catch (S3Exception e) {
            // an upload removed under us (by a sweep) is worth a new attempt, which starts a new upload
            boolean retryable = e.statusCode() >= 500 || e.statusCode() == 429 || e instanceof NoSuchUploadException;
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
            if (e instanceof NoSuchKeyException || "NoSuchKey".equals(code)) {
                throw new ObjectNotFoundException("cannot " + what + ": there is no such object in the bucket", e);
            }
            throw new ObjectStoreException("object store refused to " + what + ": HTTP " + e.statusCode() + " " + code
                    + (e.statusCode() == 403 ? " (check the credentials and the bucket policy)" : "")
                    + (e.statusCode() == 404 ? " (does the bucket exist?)" : ""), retryable, e);
        } catch (SdkClientException e) {
            throw new ObjectStoreException("object store unreachable while trying to " + what + ": " + e.getMessage(),
                    true, e);
        } catch (SdkException e) {
            throw new ObjectStoreException("object store failed to " + what + ": " + e.getMessage(), e.retryable(), e);
        }
    }
}
