package org.amyterm.backup.objectstore;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An S3 multipart upload fed as an OutputStream: bytes fill a part buffer from the shared
 * {@link PartBuffers}; each full buffer is sent as a part in the background while the next one
 * fills, with at most {@code concurrency} parts in flight. Part sizes follow {@link PartSizing}.
 * Until {@link #complete()} the object does not exist; {@link #abort()} waits for the parts in
 * flight and then removes every part, so no in-progress upload is left behind.
 */
final class MultipartUpload implements ObjectStore.Upload {
    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final String uploadId;
    private final PartBuffers buffers;
    private final PartSizing sizing;
    private final Executor executor;
    private final int concurrency;
    private final Semaphore inFlight;
    private final Duration maxWait;
    private final ConcurrentSkipListMap<Integer, CompletedPart> parts = new ConcurrentSkipListMap<>();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final OutputStream stream = new PartStream();
    private byte[] buffer;
    private int filled;
    private int nextPart = 1;
    /** No more bytes are accepted (completing, completed or aborting). */
    private volatile boolean finished;
    /** Completed, or aborted with the store's confirmation: nothing of it is left in progress. */
    private volatile boolean settled;

    private MultipartUpload(S3Client s3, String bucket, String key, String uploadId, UploadSettings settings,
            PartBuffers buffers, PartSizing sizing, Executor executor) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.uploadId = uploadId;
        this.buffers = buffers;
        this.sizing = sizing;
        this.executor = executor;
        this.concurrency = settings.concurrency();
        this.inFlight = new Semaphore(concurrency);
        this.maxWait = settings.partTimeout();
    }

    static MultipartUpload start(S3Client s3, String bucket, String key, UploadSettings settings, PartBuffers buffers,
            Executor executor, long expectedBytes, ObjectLock lock) {
        PartSizing sizing = new PartSizing(settings.partSizeBytes(), (int) Math.min(Integer.MAX_VALUE,
                buffers.budgetBytes() / 2), expectedBytes);
        if (expectedBytes > sizing.capacityBytes()) {
            throw new ObjectStoreException("an object of " + expectedBytes + " bytes needs more than "
                    + PartSizing.MAX_PARTS + " parts with the largest part amyterm.store.upload.buffer-memory-bytes allows ("
                    + buffers.budgetBytes() / 2 + " bytes): raise it (and the heap) before storing " + key, false, null);
        }
        String uploadId = s3.createMultipartUpload(b -> lock.apply(b.bucket(bucket).key(key)
                .contentType("application/pgp-encrypted"))).uploadId();
        return new MultipartUpload(s3, bucket, key, uploadId, settings, buffers, sizing, executor);
    }

    @Override
    public OutputStream stream() {
        return stream;
    }

    /** Parts sent so far (including those still in flight). */
    int partsSent() {
        return nextPart - 1;
    }

    @Override
    public void finishParts() {
        try {
            if (filled > 0 || nextPart == 1) {
                byte[] last = buffer == null ? new byte[0] : buffer;
                boolean pooled = buffer != null;
                int size = filled;
                buffer = null;
                filled = 0;
                send(last, size, pooled);
            }
            awaitPartsInFlight();
        } catch (IOException e) {
            throw new ObjectStoreException("the upload of " + key + " failed: " + e.getMessage(), true, e);
        }
        throwIfFailed();
    }

    @Override
    public Optional<String> complete() {
        return S3ObjectStore.call("complete the upload of " + key, () -> Optional.ofNullable(completeWith(null)));
    }

    @Override
    public boolean completeIfAbsent() {
        return S3ObjectStore.call("complete the upload of " + key, () -> {
            try {
                completeWith("*");
                return true;
            } catch (S3Exception e) {
                if (S3ObjectStore.isPreconditionFailed(e)) {
                    return false;
                }
                throw e;
            }
        });
    }

    private String completeWith(String ifNoneMatch) {
        finishParts();
        List<CompletedPart> completed = List.copyOf(parts.values());
        finished = true;
        String versionId = s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                .ifNoneMatch(ifNoneMatch).multipartUpload(m -> m.parts(completed))).versionId();
        settled = true;
        return versionId;
    }

    /**
     * Removes every part. May be called again after it failed (the store was down): the upload is
     * only settled once the store confirms it is gone.
     */
    @Override
    public synchronized void abort() {
        if (settled) {
            return;
        }
        finished = true;
        try {
            awaitPartsInFlight();
        } catch (IOException e) {
            // abort anyway: a part still in flight fails once the upload is gone
        }
        if (buffer != null) {
            buffers.release(buffer);
            buffer = null;
        }
        S3ObjectStore.call("abort the upload of " + key, () -> {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            } catch (NoSuchUploadException gone) {
                // already aborted (a sweep) or completed by an earlier attempt whose answer was lost
            }
            return null;
        });
        settled = true;
    }

    @Override
    public void close() {
        abort();
    }

    private void send(byte[] part, int size, boolean pooled) throws IOException {
        if (nextPart > PartSizing.MAX_PARTS) {
            if (pooled) {
                buffers.release(part);
            }
            ObjectStoreException tooLarge = new ObjectStoreException("the object " + key + " needs more than "
                    + PartSizing.MAX_PARTS + " parts: raise amyterm.store.upload.buffer-memory-bytes (and the heap) "
                    + "so parts can grow larger", false, null);
            throw new IOException(tooLarge.getMessage(), tooLarge);
        }
        int partNumber = nextPart++;
        acquire(1, part, pooled);
        executor.execute(() -> {
            try {
                if (failure.get() == null) {
                    String eTag = S3ObjectStore.call("upload part " + partNumber + " of " + key, () -> s3.uploadPart(
                            b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
                                    .contentLength((long) size),
                            RequestBody.fromContentProvider(() -> new java.io.ByteArrayInputStream(part, 0, size), size,
                                    "application/octet-stream")).eTag());
                    parts.put(partNumber, CompletedPart.builder().partNumber(partNumber).eTag(eTag).build());
                }
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            } finally {
                if (pooled) {
                    buffers.release(part);
                }
                inFlight.release();
            }
        });
    }

    private void acquire(int permits, byte[] part, boolean pooled) throws IOException {
        try {
            if (!inFlight.tryAcquire(permits, maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                if (pooled && part != null) {
                    buffers.release(part);
                }
                throw new IOException("parts of " + key + " were still uploading after " + maxWait
                        + " (amyterm.store.upload.part-timeout)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while uploading " + key);
        }
    }

    private void awaitPartsInFlight() throws IOException {
        acquire(concurrency, null, false);
        inFlight.release(concurrency);
    }

    private void throwIfFailed() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw e;
        }
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
            RuntimeException failed = failure.get();
            if (failed != null) {
                throw new IOException(failed.getMessage(), failed);
            }
            while (len > 0) {
                if (buffer == null) {
                    buffer = buffers.acquire(sizing.sizeOf(nextPart));
                }
                int n = Math.min(len, buffer.length - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
                if (filled == buffer.length) {
                    byte[] full = buffer;
                    buffer = null;
                    filled = 0;
                    send(full, full.length, true);
                }
            }
        }
    }
}
