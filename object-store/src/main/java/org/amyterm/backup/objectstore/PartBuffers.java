package org.amyterm.backup.objectstore;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The memory every upload of a service shares for multipart part buffers: at most
 * {@code budgetBytes} of buffers exist at once (in use or kept for reuse), whatever the number of
 * concurrent uploads. An upload that finds the budget spent waits for a part in flight to finish,
 * so a slow store slows the reader of the spool instead of exhausting the heap.
 */
public final class PartBuffers {
    private final long budgetBytes;
    private final Duration maxWait;
    private final ArrayDeque<byte[]> idle = new ArrayDeque<>();
    private long allocated;

    public PartBuffers(long budgetBytes, Duration maxWait) {
        if (budgetBytes < S3Settings.MIN_PART_SIZE) {
            throw new IllegalArgumentException("the upload buffer memory must hold at least one 5 MiB part, was "
                    + budgetBytes + " bytes");
        }
        this.budgetBytes = budgetBytes;
        this.maxWait = maxWait;
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    /** A buffer of exactly {@code size} bytes; waits (bounded) while the budget is spent. */
    public synchronized byte[] acquire(int size) throws IOException {
        if (size > budgetBytes) {
            throw new IOException("a part of " + size + " bytes does not fit in amyterm.store.upload.buffer-memory-bytes ("
                    + budgetBytes + " bytes)");
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            for (Iterator<byte[]> it = idle.iterator(); it.hasNext();) {
                byte[] buffer = it.next();
                if (buffer.length == size) {
                    it.remove();
                    return buffer;
                }
            }
            if (allocated + size <= budgetBytes) {
                allocated += size;
                return new byte[size];
            }
            byte[] evicted = idle.pollFirst();
            if (evicted != null) {
                allocated -= evicted.length; // a buffer of another size: free its memory for this one
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("no part buffer became free within " + maxWait
                        + ": uploads in flight are stuck (is the object store answering?)");
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for a part buffer");
            }
        }
    }

    public synchronized void release(byte[] buffer) {
        idle.addLast(buffer);
        notifyAll();
    }

    /** Bytes of buffers that exist now (for tests and metrics). */
    synchronized long allocatedBytes() {
        return allocated;
    }
}
