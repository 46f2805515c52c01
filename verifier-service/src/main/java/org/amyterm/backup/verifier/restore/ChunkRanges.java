package org.amyterm.backup.verifier.restore;

import java.io.IOException;
import java.io.InputStream;
import org.amyterm.backup.objectstore.ObjectStore;

/**
 * An object read one chunk at a time, each an HTTP range requested only when the reader reaches
 * it: a reader that needs the start of a large object downloads just the chunks it reads, and
 * {@link #fetched()} says how many bytes that was.
 */
final class ChunkRanges extends InputStream {
    private final ObjectStore store;
    private final String key;
    private final long size;
    private final int chunkBytes;
    private InputStream current;
    private long next;

    ChunkRanges(ObjectStore store, String key, long size, int chunkBytes) {
        this.store = store;
        this.key = key;
        this.size = size;
        this.chunkBytes = chunkBytes;
    }

    /** The bytes of the object requested so far. */
    long fetched() {
        return next;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        while (true) {
            if (current != null) {
                int n = current.read(buffer, offset, length);
                if (n >= 0) {
                    return n;
                }
                current.close();
                current = null;
            }
            if (next >= size) {
                return -1;
            }
            long length0 = Math.min(chunkBytes, size - next);
            current = store.open(key, next, length0);
            next += length0;
        }
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.close();
        }
    }
}
