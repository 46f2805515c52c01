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
 * that is not such an archive. Strings are capped so a hostile archive cannot exhaust memory.
 */
public record ArchiveToc(String version, String databaseName, String serverVersion, String pgDumpVersion,
        List<TocEntry> entries) {

    /** At most this many entries; pg_dump writes one per object, so this is a database of millions of objects. */
    static final int MAX_ENTRIES = 5_000_000;
    /** A function's source can be long; a definition past this is not pg_dump's. */
    static final int MAX_STRING_BYTES = 64 * 1024 * 1024;

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
            String database = readString();
            String server = readString();
            String pgDump = readString();
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
            long tableOid = oid(readString());
            long oid = oid(readString());
            String tag = readString();
            String desc = readString();
            readInt(); // section
            String definition = readString();
            readString(); // drop statement
            readString(); // COPY statement
            String namespace = readString();
            readString(); // tablespace
            if (version >= K_VERS_1_14) {
                readString(); // table access method
            }
            if (version >= K_VERS_1_16) {
                readInt(); // relkind
            }
            String owner = readString();
            readString(); // "false": tables WITH OIDS are gone
            List<Integer> dependencies = new ArrayList<>();
            for (String dependency = readString(); dependency != null; dependency = readString()) {
                dependencies.add(Integer.parseInt(dependency.trim()));
            }
            readByte(); // where the data is: its offset's state,
            in.skipNBytes(offSize); // and the offset (unset when pg_dump wrote to a pipe)
            return new TocEntry(dumpId, tableOid, oid, desc, namespace, tag, owner, hadDumper,
                    definition != null && !definition.isEmpty(), dependencies);
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

        private String readString() throws IOException {
            int length = readInt();
            if (length < 0) {
                return null;
            }
            if (length > MAX_STRING_BYTES) {
                throw new NotAnArchiveException("a string of the table of contents claims " + length + " bytes");
            }
            byte[] bytes = in.readNBytes(length);
            if (bytes.length < length) {
                throw new EOFException("the archive ends inside its table of contents");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
