package org.amyterm.backup.objectstore;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * An S3 multipart upload fed as an OutputStream: bytes fill one part buffer, each full buffer is
 * sent as a part, and nothing else is kept, so memory is one part however large the object.
 * Until {@link #complete()} the object does not exist; {@link #abort()} removes the parts.
 */
final class MultipartUpload implements ObjectStore.Upload {
    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final String uploadId;
    private final byte[] buffer;
    private final List<CompletedPart> parts = new ArrayList<>();
    private int filled;
    private boolean finished;
    private final OutputStream stream = new PartStream();

    private MultipartUpload(S3Client s3, String bucket, String key, String uploadId, int partSize) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.uploadId = uploadId;
        this.buffer = new byte[partSize];
    }

    static MultipartUpload start(S3Client s3, String bucket, String key, int partSize) {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)
                .contentType("application/pgp-encrypted")).uploadId();
        return new MultipartUpload(s3, bucket, key, uploadId, partSize);
    }

    @Override
    public OutputStream stream() {
        return stream;
    }

    @Override
    public Optional<String> complete() {
        return S3ObjectStore.call("complete the upload of " + key, () -> {
            if (filled > 0 || parts.isEmpty()) {
                sendPart();
            }
            String versionId = s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts))).versionId();
            finished = true;
            return Optional.ofNullable(versionId);
        });
    }

    @Override
    public void abort() {
        if (!finished) {
            finished = true;
            S3ObjectStore.call("abort the upload of " + key,
                    () -> s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)));
        }
    }

    @Override
    public void close() {
        abort();
    }

    private void sendPart() {
        int partNumber = parts.size() + 1;
        int size = filled;
        UploadPartResponse response = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                .partNumber(partNumber).contentLength((long) size), RequestBody.fromContentProvider(
                        () -> new java.io.ByteArrayInputStream(buffer, 0, size), size, "application/octet-stream"));
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(response.eTag()).build());
        filled = 0;
    }

    private final class PartStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (finished) {
                throw new IOException("the upload of " + key + " is already finished");
            }
            while (len > 0) {
                int n = Math.min(len, buffer.length - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
                if (filled == buffer.length) {
                    try {
                        S3ObjectStore.call("upload a part of " + key, () -> {
                            sendPart();
                            return null;
                        });
                    } catch (ObjectStoreException e) {
                        throw new IOException(e.getMessage(), e);
                    }
                }
            }
        }
    }
}
