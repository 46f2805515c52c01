package org.amyterm.backup.pgtools.archive;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The table of contents at the start of a pg_dump custom-format archive ({@code pg_dump -Fc}),
 * read from a stream without reading further: the archive's version, the database it was dumped
 * from, the server and pg_dump versions, and its entries. Archive versions 1.12 to 1.16 (pg_dump 11
 * to 17 and later while the layout holds); anything else is refused with its version, as is a stream
 * that is not such an archive. What is kept is bounded so a hostile archive (read before its whole
 * object's hash is checked, for objects recorded without chunk hashes) cannot exhaust memory: the
 * names kept are capped each and in all; definitions, which are only skipped, are never held.
 */
public record ArchiveToc(String version, String databaseName, String serverVersion, String pgDumpVersion,
        List<TocEntry> entries) {

    /** At most this many entries; pg_dump writes one per object, so this is a database of a million objects. */
    static final int MAX_ENTRIES = 1_000_000;
    /** A function's source can be long; a definition past this is not pg_dump's. It is skipped, never held. */
    static final int MAX_SKIPPED_BYTES = 64 * 1024 * 1024;
    /** A name kept (tag, kind, schema, owner, a dependency): PostgreSQL's names are 63 bytes; a tag names a few. */
    static final int MAX_NAME_BYTES = 8 * 1024;
    /** All the names kept, together: a table of contents larger than this is not restored in parts here. */
    static final long MAX_KEPT_BYTES = 32L * 1024 * 1024;

    private static final int K_VERS_1_12 = version(1, 12);
    private static final int K_VERS_1_14 = version(1, 14);
    private static final int K_VERS_1_15 = version(1, 15);
    private static final int K_VERS_1_16 = version(1, 16);
    private static final int FORMAT_CUSTOM = 1;

    public ArchiveToc {
        entries = List.copyOf(entries);
    }

    /** The entries {@code pg_restore -l} lists, as it lists them. */
    public List<String> listLines() {
        return entries.stream().filter(TocEntry::listed).map(TocEntry::listLine).toList();
    }

    /** The entry of a dump id, if the archive has it. */
    public java.util.Optional<TocEntry> entry(int dumpId) {
        return entries.stream().filter(e -> e.dumpId() == dumpId).findFirst();
    }

    /** Reads the header and the table of contents, leaving {@code in} just after them. */
    public static ArchiveToc read(InputStream in) throws IOException {
        return new Reader(in).toc();
    }

    /** The stream is not a custom-format archive this reader knows, or it ends inside the table of contents. */
    public static final class NotAnArchiveException extends IOException {
        NotAnArchiveException(String message) {
            super(message);
        }
    }

    private static int version(int major, int minor) {
        return (major << 16) | (minor << 8);
    }

    private static final class Reader {
        private final InputStream in;
        private int intSize;
        private int offSize;
        private int version;
        private long kept;

        Reader(InputStream in) {
            this.in = in;
        }

        ArchiveToc toc() throws IOException {
            byte[] magic = in.readNBytes(5);
            if (!"PGDMP".equals(new String(magic, StandardCharsets.US_ASCII))) {
                throw new NotAnArchiveException("not a pg_dump custom-format archive (it does not start with PGDMP)");
            }
            int major = readByte();
            int minor = readByte();
            int revision = readByte();
            version = version(major, minor) | revision;
            String shown = major + "." + minor + "." + revision;
            if (version < K_VERS_1_12 || major != 1 || minor > 16) {
                throw new NotAnArchiveException("archive version " + shown + " is not one this reader knows (1.12 to 1.16)");
            }
            intSize = readByte();
            offSize = readByte();
            if (intSize < 1 || intSize > 8 || offSize < 1 || offSize > 8) {
                throw new NotAnArchiveException("archive version " + shown + " declares integers of " + intSize
                        + " and offsets of " + offSize + " bytes");
            }
            int format = readByte();
            if (format != FORMAT_CUSTOM) {
                throw new NotAnArchiveException("archive format " + format + " is not the custom format (1)");
            }
            if (version >= K_VERS_1_15) {
                readByte(); // compression algorithm
            } else {
                readInt(); // compression level
            }
            for (int i = 0; i < 7; i++) {
                readInt(); // creation time: seconds, minutes, hours, day, month, year, DST
            }
            String database = readName();
            String server = readName();
            String pgDump = readName();
            int count = readInt();
            if (count < 0 || count > MAX_ENTRIES) {
                throw new NotAnArchiveException("the table of contents claims " + count + " entries");
            }
            List<TocEntry> entries = new ArrayList<>(Math.min(count, 100_000));
            for (int i = 0; i < count; i++) {
                entries.add(entry());
            }
            return new ArchiveToc(shown, database, server, pgDump, entries);
        }

        private TocEntry entry() throws IOException {
            int dumpId = readInt();
            boolean hadDumper = readInt() != 0;
            long tableOid = oid(readName());
            long oid = oid(readName());
            String tag = readName();
            String desc = readName();
            readInt(); // section
            int definition = skipString();
            skipString(); // drop statement
            skipString(); // COPY statement
            String namespace = readName();
            skipString(); // tablespace
            if (version >= K_VERS_1_14) {
                skipString(); // table access method
            }
            if (version >= K_VERS_1_16) {
                readInt(); // relkind
            }
            String owner = readName();
            skipString(); // "false": tables WITH OIDS are gone
            List<Integer> dependencies = new ArrayList<>();
            for (String dependency = readName(); dependency != null; dependency = readName()) {
                try {
                    dependencies.add(Integer.parseInt(dependency.trim()));
                } catch (NumberFormatException e) {
                    throw new NotAnArchiveException("a dependency of entry " + dumpId + " is not a dump id");
                }
            }
            readByte(); // where the data is: its offset's state,
            in.skipNBytes(offSize); // and the offset (unset when pg_dump wrote to a pipe)
            if (tag == null || desc == null) {
                throw new NotAnArchiveException("entry " + dumpId + " has no name or no kind");
            }
            return new TocEntry(dumpId, tableOid, oid, desc, namespace, tag, owner, hadDumper, definition > 0,
                    dependencies);
        }

        private static long oid(String text) {
            try {
                return text == null ? 0 : Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        private int readByte() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the archive ends inside its table of contents");
            }
            return b;
        }

        private int readInt() throws IOException {
            boolean negative = readByte() != 0;
            long value = 0;
            for (int i = 0; i < intSize; i++) {
                value |= ((long) readByte()) << (8 * i);
            }
            if (value > Integer.MAX_VALUE) {
                throw new NotAnArchiveException("an integer of the table of contents is out of range: " + value);
            }
            return negative ? -(int) value : (int) value;
        }

        /** A string kept: capped each and, with the others, in all. */
        private String readName() throws IOException {
            int length = readInt();
            if (length < 0) {
                return null;
            }
            if (length > MAX_NAME_BYTES) {
                throw new NotAnArchiveException("a name of the table of contents claims " + length + " bytes");
            }
            kept += length;
            if (kept > MAX_KEPT_BYTES) {
                throw new NotAnArchiveException("the table of contents holds more than " + MAX_KEPT_BYTES
                        + " bytes of names");
            }
            byte[] bytes = in.readNBytes(length);
            if (bytes.length < length) {
                throw new EOFException("the archive ends inside its table of contents");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** A string only passed over (a definition, say): its length, or -1 for none; never held. */
        private int skipString() throws IOException {
            int length = readInt();
            if (length > MAX_SKIPPED_BYTES) {
                throw new NotAnArchiveException("a string of the table of contents claims " + length + " bytes");
            }
            if (length > 0) {
                try {
                    in.skipNBytes(length);
                } catch (EOFException e) {
                    throw new EOFException("the archive ends inside its table of contents");
                }
            }
            return length;
        }
    }
}
