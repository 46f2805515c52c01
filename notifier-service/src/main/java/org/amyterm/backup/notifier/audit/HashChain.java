package org.amyterm.backup.notifier.audit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.amyterm.backup.contracts.audit.AuditLine;

/**
 * Appends lines, each holding the sha256 (hex) of the line before it, so removing or changing a
 * line breaks the chain at the next one. A file continues its chain after a restart (its last line
 * is read back, its lines counted); the first line of a file, or of stdout, follows 64 zeros. A line
 * appended to a file is on disk (fsync) before {@link #append} returns.
 */
final class HashChain implements AutoCloseable {
    /** How much of a file's end is read back at start: its last line, and the ids of recent lines. */
    private static final int TAIL_BYTES = 1 << 20;

    private final FileChannel file;
    private final OutputStream out;
    private String previous;
    private long lines;
    private final List<String> tail;

    private HashChain(FileChannel file, OutputStream out, String previous, long lines, List<String> tail) {
        this.file = file;
        this.out = out;
        this.previous = previous;
        this.lines = lines;
        this.tail = tail;
    }

    /**
     * The chain of {@code file}, holding the file's lock until {@link #close()}: another notifier
     * replica writing the same file (a shared volume) waits for it, up to {@code lockWait}, and then
     * reads the end this one wrote.
     */
    static HashChain toFile(Path file, Duration lockWait) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        try {
            lock(channel, file, lockWait);
            List<String> tail = tail(file);
            String previous = tail.isEmpty() ? AuditLine.GENESIS : AuditLine.sha256(tail.get(tail.size() - 1));
            return new HashChain(channel, null, previous, countLines(file), tail);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void lock(FileChannel channel, Path file, Duration wait) throws IOException {
        long until = System.nanoTime() + wait.toNanos();
        while (channel.tryLock() == null) {
            if (System.nanoTime() > until) {
                throw new IOException(file + " is locked by another process (another notifier replica) for longer than " + wait);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the lock of " + file, e);
            }
        }
    }

    static HashChain to(OutputStream out) {
        return new HashChain(null, out, AuditLine.GENESIS, 0, List.of());
    }

    /** Whether the chain is a file (whose lines are counted and can be checkpointed). */
    boolean isFile() {
        return file != null;
    }

    /** The complete lines at the end of the file, oldest first (what a restart may have written already). */
    List<String> recentLines() {
        return tail;
    }

    /** The hash the next line must carry. */
    synchronized String previous() {
        return previous;
    }

    /** How many lines the chain holds, and the sha256 of the last: what a checkpoint vouches for. */
    synchronized Head head() {
        return new Head(lines, previous);
    }

    record Head(long lines, String sha256) {
    }

    /** Writes the line (which must carry {@link #previous()}), forces it to disk, and moves the chain on. */
    synchronized void append(String line) throws IOException {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (file != null) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                file.write(buffer);
            }
            // on disk before the event is acknowledged: a crash cannot lose a line whose offset was committed
            file.force(false);
        } else {
            out.write(bytes);
            out.flush();
        }
        previous = AuditLine.sha256(line);
        lines++;
    }

    private static long countLines(Path file) throws IOException {
        long count = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    private static List<String> tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            long start = Math.max(0, length - TAIL_BYTES);
            byte[] bytes = new byte[(int) (length - start)];
            raf.seek(start);
            raf.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
            lines.remove(lines.size() - 1); // after the last newline: nothing, or a line cut by a crash
            if (start > 0 && !lines.isEmpty()) {
                lines.remove(0); // may start mid-line
            }
            if (!text.isEmpty() && !text.endsWith("\n")) {
                throw new IOException(file + " ends in an incomplete line (a crash while writing?): move it aside,"
                        + " keeping it as evidence, and start a new file under a new amyterm.notifier.audit.trail");
            }
            return lines;
        }
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
        } else {
            out.flush();
        }
    }
}
