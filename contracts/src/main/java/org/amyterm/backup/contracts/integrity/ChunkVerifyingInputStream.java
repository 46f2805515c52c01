package org.amyterm.backup.contracts.integrity;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * A stage of an input chain that lets no byte through before the chunk it belongs to is proven:
 * it reads one whole chunk ({@code chunkBytes}, the last one shorter) into its buffer, compares its
 * SHA-256 with the expected one, and only then serves it; at the end it requires exactly the
 * expected chunks. Memory: one chunk. A mismatch throws {@link ChunkMismatchException} before the
 * chunk's first byte is passed on, so whatever reads from this stage never sees bytes that are not
 * the ones recorded (by a signed manifest, say).
 */
public final class ChunkVerifyingInputStream extends InputStream {
    private final InputStream in;
    private final List<String> expected;
    private final byte[] buffer;
    private int next;
    private int position;
    private int limit;
    private long verifiedBytes;
    private boolean ended;

    public ChunkVerifyingInputStream(InputStream in, int chunkBytes, List<String> expected) {
        if (chunkBytes < 1) {
            throw new IllegalArgumentException("chunkBytes must be positive, was " + chunkBytes);
        }
        this.in = in;
        this.expected = List.copyOf(expected);
        this.buffer = new byte[chunkBytes];
    }

    /** Reads and proves the first chunk now: a replaced object fails here, before anyone reads it. */
    public void prove() throws IOException {
        if (position == limit && !ended) {
            fill();
        }
    }

    /** Bytes proven so far (served or waiting in the buffer). */
    public long verifiedBytes() {
        return verifiedBytes;
    }

    @Override
    public int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (position == limit && !fill()) {
            return -1;
        }
        int n = Math.min(len, limit - position);
        System.arraycopy(buffer, position, b, off, n);
        position += n;
        return n;
    }

    private boolean fill() throws IOException {
        if (ended) {
            return false;
        }
        int filled = in.readNBytes(buffer, 0, buffer.length);
        if (filled == 0) {
            ended = true;
            if (next != expected.size()) {
                throw new ChunkMismatchException("the object ends after " + verifiedBytes + " bytes, " + next + " of "
                        + expected.size() + " recorded chunks: it was truncated");
            }
            return false;
        }
        if (next >= expected.size()) {
            throw new ChunkMismatchException("the object is longer than its " + expected.size()
                    + " recorded chunks (" + verifiedBytes + " bytes): something was appended");
        }
        MessageDigest digest = Sha256.newDigest();
        digest.update(buffer, 0, filled);
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equalsIgnoreCase(expected.get(next))) {
            throw new ChunkMismatchException("chunk " + (next + 1) + " of " + expected.size() + " (from byte "
                    + verifiedBytes + ") has sha256 " + actual + ", the manifest records " + expected.get(next)
                    + ": the object was altered or replaced");
        }
        next++;
        verifiedBytes += filled;
        position = 0;
        limit = filled;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** What was read is not what was recorded: a verdict on the object, not a fault of the read. */
    public static final class ChunkMismatchException extends IOException {
        public ChunkMismatchException(String message) {
            super(message);
        }
    }
}
