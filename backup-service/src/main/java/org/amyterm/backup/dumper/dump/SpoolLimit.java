package org.amyterm.backup.dumper.dump;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A stage of the spool's output chain that stops the write once the file would pass the room it
 * was given (the spool's limit, or the disk's free space, less what other files use), so a dump
 * fails at once with a clear reason instead of filling the disk other dumps and uploads need.
 */
final class SpoolLimit extends FilterOutputStream {
    private final long room;
    private long written;

    SpoolLimit(OutputStream next, long room) {
        super(next);
        this.room = room;
    }

    @Override
    public void write(int b) throws IOException {
        claim(1);
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        claim(len);
        out.write(b, off, len);
    }

    private void claim(long bytes) throws IOException {
        if (written + bytes > room) {
            throw new SpoolFullException(room);
        }
        written += bytes;
    }

    /** The spool has no room for the rest of the dump. */
    static final class SpoolFullException extends IOException {
        SpoolFullException(long room) {
            super("the spool has no room for more than " + room + " bytes of this dump");
        }
    }
}
