package org.amyterm.backup.objectstore;

import java.time.Duration;

/** How multipart uploads use memory and connections (docs/configuration.md, {@code amyterm.store.upload.*}). */
public record UploadSettings(int partSizeBytes, int concurrency, long bufferMemoryBytes, Duration partTimeout) {

    public UploadSettings {
        if (partSizeBytes < S3Settings.MIN_PART_SIZE) {
            throw new IllegalArgumentException("amyterm.store.upload.part-size must be at least 5 MiB (S3's minimum), was "
                    + partSizeBytes);
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("amyterm.store.upload.concurrency must be at least 1, was " + concurrency);
        }
        if (bufferMemoryBytes < 2L * partSizeBytes) {
            throw new IllegalArgumentException("amyterm.store.upload.buffer-memory (" + bufferMemoryBytes
                    + ") must hold at least two parts of amyterm.store.upload.part-size (" + partSizeBytes + ")");
        }
    }
}
