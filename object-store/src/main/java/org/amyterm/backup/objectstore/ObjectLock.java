package org.amyterm.backup.objectstore;

import java.time.Instant;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** The Object Lock headers of one object (mode and retain-until date), or none. */
record ObjectLock(ObjectLockMode mode, Instant retainUntil) {
    static final ObjectLock NONE = new ObjectLock(null, null);

    PutObjectRequest.Builder apply(PutObjectRequest.Builder request) {
        return mode == null ? request : request.objectLockMode(mode).objectLockRetainUntilDate(retainUntil);
    }

    CreateMultipartUploadRequest.Builder apply(CreateMultipartUploadRequest.Builder request) {
        return mode == null ? request : request.objectLockMode(mode).objectLockRetainUntilDate(retainUntil);
    }
}
