package org.amyterm.backup.contracts.integrity;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A stage of an output chain that adds the SHA-256 of every {@code chunkBytes} of what passes
 * through (the last chunk may be shorter). The signed manifest lists them, so a reader can prove
 * each chunk of the stored object before any byte of it is used ({@link ChunkVerifyingInputStream}).
 */
public final class ChunkHashingOutputStream extends FilterOutputStream {
    private final int chunkBytes;
    private final MessageDigest digest = Sha256.newDigest();
    private final List<String> chunks = new ArrayList<>();
    private int inChunk;
    private boolean finished;

    public ChunkHashingOutputStream(OutputStream next, int chunkBytes) {
        super(next);
        if (chunkBytes < 1) {
            throw new IllegalArgumentException("chunkBytes must be positive, was " + chunkBytes);
        }
        this.chunkBytes = chunkBytes;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        while (len > 0) {
            int n = Math.min(len, chunkBytes - inChunk);
            digest.update(b, off, n);
            inChunk += n;
            off += n;
            len -= n;
            if (inChunk == chunkBytes) {
                chunks.add(HexFormat.of().formatHex(digest.digest()));
                inChunk = 0;
            }
        }
    }

    public int chunkBytes() {
        return chunkBytes;
    }

    /** The hex SHA-256 of each chunk in order; call once writing is finished. */
    public List<String> chunkSha256() {
        if (!finished) {
            if (inChunk > 0) {
                chunks.add(HexFormat.of().formatHex(digest.digest()));
                inChunk = 0;
            }
            finished = true;
        }
        return List.copyOf(chunks);
    }
}
