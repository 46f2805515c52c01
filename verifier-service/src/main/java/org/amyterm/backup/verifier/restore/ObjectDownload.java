package org.amyterm.backup.verifier.restore;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The stored object as it arrives over the network. A read that fails here (a connection reset,
 * a timeout, the store going away) is a fault of the download, not of the backup: it becomes
 * {@link Interrupted}, which is retried and never reported as tampering. What the bytes turn out to
 * be (a failed MDC, a checksum that differs, a truncated message) is judged by the stages after it.
 */
final class ObjectDownload extends FilterInputStream {
    private long bytes;

    ObjectDownload(InputStream object) {
        super(object);
    }

    /** The bytes downloaded so far. */
    long bytes() {
        return bytes;
    }

    @Override
    public int read() throws IOException {
        int b = guarded(() -> super.read());
        if (b >= 0) {
            bytes++;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = guarded(() -> super.read(buffer, offset, length));
        if (n > 0) {
            bytes += n;
        }
        return n;
    }

    private int guarded(Read read) throws IOException {
        try {
            return read.get();
        } catch (IOException | RuntimeException e) { // the AWS SDK reports some transport faults unchecked
            throw new Interrupted(bytes, e);
        }
    }

    @FunctionalInterface
    private interface Read {
        int get() throws IOException;
    }

    /** The download broke off after {@code bytes} bytes. */
    static final class Interrupted extends IOException {
        Interrupted(long bytes, Exception cause) {
            super("the download broke off after " + bytes + " bytes: " + cause.getMessage(), cause);
        }

        /** The interruption somewhere in a failure's causes, if any: a later stage may have wrapped it. */
        static java.util.Optional<Interrupted> in(Throwable failure) {
            for (Throwable t = failure; t != null; t = t.getCause()) {
                if (t instanceof Interrupted interrupted) {
                    return java.util.Optional.of(interrupted);
                }
            }
            return java.util.Optional.empty();
        }
    }
}
