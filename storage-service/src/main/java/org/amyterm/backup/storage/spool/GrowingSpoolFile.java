package org.amyterm.backup.storage.spool;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Reads a spool file while the backup service is still writing it. At the current end it waits
 * for a change in the spool folder (inotify, through a WatchService; at most a second, so a shared
 * network spool whose changes raise no event is read too), and decides by the file's name what the
 * end means: renamed to its complete name, the dump succeeded and everything written so far is the
 * whole dump; deleted, the dump failed ({@link DumpAbandonedException}); unchanged for
 * {@code idleTimeout}, the dump is presumed lost.
 */
public final class GrowingSpoolFile extends InputStream {
    private static final long RECHECK_MILLIS = 1000;

    private final FileChannel channel;
    private final Path partial;
    private final Path complete;
    private final Duration idleTimeout;
    /** The file's identity (inode): a later attempt of the same backup writes a new file of the same name. */
    private final Object fileKey;
    private final WatchService changes;
    private boolean writerFinished;

    private GrowingSpoolFile(Path opened, Path partial, Path complete, Duration idleTimeout) throws IOException {
        // watch before the first read: a change made after it is queued, never missed
        this.changes = opened.getFileSystem().newWatchService();
        opened.toAbsolutePath().getParent().register(changes, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
        this.channel = FileChannel.open(opened, StandardOpenOption.READ);
        this.fileKey = Files.readAttributes(opened, BasicFileAttributes.class).fileKey();
        this.partial = partial;
        this.complete = complete;
        this.idleTimeout = idleTimeout;
    }

    /** Opens the partial file, or the complete one if the dump already finished. */
    public static GrowingSpoolFile open(Path partial, Path complete, Duration idleTimeout) throws IOException {
        try {
            return new GrowingSpoolFile(partial, partial, complete, idleTimeout);
        } catch (java.nio.file.NoSuchFileException renamedOrGone) {
            GrowingSpoolFile finished = new GrowingSpoolFile(complete, partial, complete, idleTimeout);
            finished.writerFinished = true;
            return finished;
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        long idleSince = System.nanoTime();
        while (true) {
            int n = channel.read(ByteBuffer.wrap(b, off, len));
            if (n > 0) {
                return n;
            }
            if (writerFinished) {
                return -1;
            }
            if (isThisFile(complete)) {
                writerFinished = true; // renamed after the last write: what follows EOF now is nothing
                continue;
            }
            if (!isThisFile(partial) && !isThisFile(complete)) {
                throw new DumpAbandonedException("the dump's spool file " + partial
                        + " was deleted (or replaced by a new attempt) before it was complete");
            }
            long idleLeft = idleTimeout.toNanos() - (System.nanoTime() - idleSince);
            if (idleLeft <= 0) {
                throw new DumpAbandonedException("the dump's spool file " + partial + " did not grow for " + idleTimeout
                        + " (amyterm.storage.follow.idle-timeout): was the backup service stopped?");
            }
            awaitChange(Math.min(RECHECK_MILLIS, Math.max(1, idleLeft / 1_000_000)));
        }
    }

    private boolean isThisFile(Path path) throws IOException {
        try {
            return fileKey.equals(Files.readAttributes(path, BasicFileAttributes.class).fileKey());
        } catch (java.nio.file.NoSuchFileException gone) {
            return false;
        }
    }

    private void awaitChange(long millis) throws InterruptedIOException {
        try {
            WatchKey key = changes.poll(millis, TimeUnit.MILLISECONDS);
            if (key != null) {
                key.pollEvents();
                key.reset();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("stopped while following the spool");
        }
    }

    @Override
    public void close() throws IOException {
        try (changes) {
            channel.close();
        }
    }

    /** The dump that was being written will not complete. */
    public static final class DumpAbandonedException extends IOException {
        public DumpAbandonedException(String message) {
            super(message);
        }
    }
}
