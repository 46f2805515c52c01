package org.amyterm.backup.objectstore;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;

/**
 * How to reach the S3 API. Credentials are not here: the AWS SDK's default chain reads them from
 * the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), a profile or the instance role.
 * {@code objectLock}: the Object Lock mode objects get with their retain-until date, if the
 * bucket has Object Lock.
 */
public record S3Settings(Optional<URI> endpoint, String region, String bucket, boolean pathStyle, UploadSettings upload,
        RetrySettings retry, Optional<ObjectLockMode> objectLock) {
    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;

    public S3Settings(Optional<URI> endpoint, String region, String bucket, boolean pathStyle, UploadSettings upload) {
        this(endpoint, region, bucket, pathStyle, upload, RetrySettings.DEFAULT, Optional.empty());
    }

    public S3Settings {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("the bucket name is required (amyterm.store.bucket)");
        }
    }
}
