package org.amyterm.backup.objectstore;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;

/**
 * How to reach the S3 API. Credentials are not here: the AWS SDK's default chain reads them from
 * the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), a profile or the instance role.
 * {@code objectLock}: the Object Lock mode objects get with their retain-until date, if the
 * bucket has Object Lock. {@code checksums}: what the client adds to its writes and checks on its reads.
 */
public record S3Settings(Optional<URI> endpoint, String region, String bucket, boolean pathStyle, UploadSettings upload,
        RetrySettings retry, Optional<ObjectLockMode> objectLock, TransferChecksums checksums) {
    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;

    public S3Settings(Optional<URI> endpoint, String region, String bucket, boolean pathStyle, UploadSettings upload) {
        this(endpoint, region, bucket, pathStyle, upload, RetrySettings.DEFAULT, Optional.empty(),
                TransferChecksums.WHEN_SUPPORTED);
    }

    public S3Settings {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("the bucket name is required (amyterm.store.bucket)");
        }
        // S3 refuses a write with Object Lock headers that carries no checksum (Content-MD5 or x-amz-checksum-*)
        if (objectLock.isPresent() && checksums == TransferChecksums.WHEN_REQUIRED) {
            throw new IllegalArgumentException("amyterm.store.checksums=when-required cannot be used with "
                    + "amyterm.store.object-lock.mode=" + objectLock.get().toString().toLowerCase(java.util.Locale.ROOT)
                    + ": S3 refuses an Object Lock write without a checksum; use when-supported");
        }
    }
}
