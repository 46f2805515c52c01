package org.amyterm.backup.pgtools;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Keeps the last bytes of a stream: enough of a tool's complaint to act on, bounded in memory. */
final class StderrTail {
    private final byte[] buffer;
    private int length;

    StderrTail(int capacity) {
        this.buffer = new byte[capacity];
    }

    void drain(InputStream in) {
        byte[] chunk = new byte[1024];
        try (in) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                append(chunk, n);
            }
        } catch (IOException ignored) {
            // the process ended; what was read is kept
        }
    }

    synchronized void append(byte[] chunk, int n) {
        if (n >= buffer.length) {
            System.arraycopy(chunk, n - buffer.length, buffer, 0, buffer.length);
            length = buffer.length;
        } else {
            int keep = Math.min(length, buffer.length - n);
            System.arraycopy(buffer, length - keep, buffer, 0, keep);
            System.arraycopy(chunk, 0, buffer, keep, n);
            length = keep + n;
        }
    }

    synchronized String text() {
        return new String(buffer, 0, length, StandardCharsets.UTF_8).trim();
    }
}
