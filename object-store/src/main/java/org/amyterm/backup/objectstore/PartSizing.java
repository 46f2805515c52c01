package org.amyterm.backup.objectstore;

/**
 * Part sizes for an upload whose final size may be unknown (a dump still being written): start at
 * the configured size, or larger when the expected size says 9,000 parts would not suffice, and
 * double every 1,000 parts up to the largest part the buffer memory holds. So a growing object
 * stays under S3's 10,000-part limit far beyond the expected size, and an object that can never
 * fit is refused before its first byte is uploaded when its size is known.
 */
public final class PartSizing {
    /** S3's limit on the number of parts of one upload. */
    public static final int MAX_PARTS = 10_000;
    private static final long MIB = 1024 * 1024;
    private static final int PARTS_PER_STEP = 1_000;

    private final int firstPartSize;
    private final int maxPartSize;

    PartSizing(int configuredPartSize, int maxPartSize, long expectedBytes) {
        this.maxPartSize = (int) Math.max(S3Settings.MIN_PART_SIZE, maxPartSize / MIB * MIB);
        long needed = roundUpToMib(expectedBytes / (MAX_PARTS - PARTS_PER_STEP) + 1);
        this.firstPartSize = (int) Math.min(this.maxPartSize, Math.max(configuredPartSize, needed));
    }

    /** The size of part {@code partNumber} (1-based). */
    int sizeOf(int partNumber) {
        int step = Math.min(20, (partNumber - 1) / PARTS_PER_STEP);
        return (int) Math.min(maxPartSize, (long) firstPartSize << step);
    }

    /** The largest object these sizes can carry in {@value #MAX_PARTS} parts. */
    long capacityBytes() {
        long total = 0;
        for (int part = 1; part <= MAX_PARTS; part += PARTS_PER_STEP) {
            total += (long) sizeOf(part) * PARTS_PER_STEP;
        }
        return total;
    }

    private static long roundUpToMib(long bytes) {
        return (bytes + MIB - 1) / MIB * MIB;
    }
}
