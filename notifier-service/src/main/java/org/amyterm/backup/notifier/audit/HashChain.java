package org.amyterm.backup.notifier.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Appends lines, each holding the sha256 (hex) of the line before it, so removing or changing a
 * line breaks the chain at the next one. A file continues its chain after a restart (its last line
 * is read back); the first line of a file, or of stdout, follows 64 zeros.
 */
final class HashChain implements AutoCloseable {
    static final String GENESIS = "0".repeat(64);
    /** How much of a file's end is read back at start: its last line, and the ids of recent lines. */
    private static final int TAIL_BYTES = 1 << 20;

    private final OutputStream out;
    private final boolean closeOut;
    private String previous;
    private final List<String> tail;

    private HashChain(OutputStream out, boolean closeOut, String previous, List<String> tail) {
        this.out = out;
        this.closeOut = closeOut;
        this.previous = previous;
        this.tail = tail;
    }

    static HashChain toFile(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        List<String> tail = tail(file);
        String previous = tail.isEmpty() ? GENESIS : sha256(tail.get(tail.size() - 1));
        return new HashChain(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND), true,
                previous, tail);
    }

    static HashChain to(OutputStream out) {
        return new HashChain(out, false, GENESIS, List.of());
    }

    /** The complete lines at the end of the file, oldest first (what a restart may have written already). */
    List<String> recentLines() {
        return tail;
    }

    /** The hash the next line must carry. */
    synchronized String previous() {
        return previous;
    }

    /** Writes the line (which must carry {@link #previous()}) and moves the chain on. */
    synchronized void append(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        previous = sha256(line);
    }

    static String sha256(String line) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
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
                        + " keeping it as evidence, and start a new file");
            }
            return lines;
        }
    }

    @Override
    public void close() throws IOException {
        if (closeOut) {
            out.close();
        } else {
            out.flush();
        }
    }
}
