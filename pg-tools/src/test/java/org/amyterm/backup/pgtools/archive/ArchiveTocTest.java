package org.amyterm.backup.pgtools.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.amyterm.backup.pgtools.PgClientProcess;
import org.amyterm.backup.testsupport.PostgresServer;
import org.amyterm.backup.testsupport.TestServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The table of contents read from a real pg_dump archive, against what pg_restore itself lists,
 * and the subsets chosen from it by their recorded dependencies.
 */
class ArchiveTocTest {
    static final String DATABASE = "toc_inventory";
    static final String SCHEMA = """
            CREATE EXTENSION citext;
            CREATE SCHEMA inventory;
            CREATE SCHEMA ledger;
            CREATE TABLE inventory.item (id int PRIMARY KEY, name text NOT NULL, label citext UNIQUE);
            CREATE TABLE inventory.movement (item int REFERENCES inventory.item, moved_at timestamptz, qty int);
            CREATE INDEX movement_item ON inventory.movement (item);
            CREATE TABLE ledger.entry (id bigserial PRIMARY KEY, item int NOT NULL REFERENCES inventory.item,
                amount numeric(12, 2) CHECK (amount <> 0), touched_at timestamptz);
            CREATE VIEW ledger.balance AS SELECT item, sum(amount) AS total FROM ledger.entry GROUP BY item;
            CREATE FUNCTION ledger.touch() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN NEW.touched_at := now(); RETURN NEW; END $$;
            CREATE TRIGGER entry_touch BEFORE UPDATE ON ledger.entry FOR EACH ROW EXECUTE FUNCTION ledger.touch();
            CREATE TABLE public."Odd.Name" (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
            CREATE TABLE ledger.tag (name citext NOT NULL);
            CREATE INDEX tag_name ON ledger.tag (name);
            COMMENT ON TABLE ledger.entry IS 'the ledger';
            INSERT INTO inventory.item SELECT g, 'item ' || g, 'Label-' || g FROM generate_series(1, 3) g;
            INSERT INTO ledger.entry (item, amount) SELECT 1 + g % 3, g FROM generate_series(1, 30) g;
            """;
    static PostgresServer postgres;
    static Path archive;

    @BeforeAll
    static void dump() throws Exception {
        postgres = TestServers.postgres();
        postgres.createDatabaseOnce(DATABASE, SCHEMA);
        archive = Files.createTempFile("toc", ".pgcustom");
        try (PgClientProcess dump = PgClientProcess.start(List.of(tool("pg_dump"), "--format=custom", "--compress=0",
                "--host=" + postgres.host(), "--port=" + postgres.port(), "--username=" + PostgresServer.SUPERUSER,
                "--no-password", "--dbname=" + DATABASE), Optional.of(postgres.password()));
                var out = Files.newOutputStream(archive)) {
            dump.stdin().close();
            assertThat(dump.copyStdoutTo(out, java.time.Duration.ofMinutes(1))).as(dump.stderrTail()).isZero();
        }
    }

    @Test
    void listsWhatPgRestoreListsFromTheArchivesStartOnly() throws Exception {
        // Given a custom-format archive and what pg_restore -l makes of it
        List<String> pgRestore = pgRestoreList(archive);

        // When the table of contents is read from a stream that counts what it gave
        ArchiveToc toc;
        long read;
        try (CountingStream in = new CountingStream(new BufferedInputStream(Files.newInputStream(archive), 1))) {
            toc = ArchiveToc.read(in);
            read = in.count;
        }

        // Then the entries are pg_restore's, line for line, and no table data was read to find them
        assertThat(toc.listLines()).isEqualTo(pgRestore).isNotEmpty();
        assertThat(toc.databaseName()).isEqualTo(DATABASE);
        assertThat(toc.pgDumpVersion()).startsWith(postgres.psql("postgres", "SHOW server_version").split(" ")[0]);
        assertThat(read).isLessThan(Files.size(archive));
    }

    @Test
    void refusesWhatIsNotACustomFormatArchive() {
        assertThatThrownBy(() -> ArchiveToc.read(new ByteArrayInputStream("-- PostgreSQL database dump\n".getBytes())))
                .isInstanceOf(ArchiveToc.NotAnArchiveException.class).hasMessageContaining("PGDMP");
        byte[] start = Arrays.copyOf(bytes(), 200);
        assertThatThrownBy(() -> ArchiveToc.read(new ByteArrayInputStream(start))).isInstanceOf(IOException.class)
                .hasMessageContaining("ends inside its table of contents");
    }

    @Test
    void aHostileTableOfContentsIsRefusedBeforeItsClaimsAreHeld() {
        // Given the start of an archive whose database name claims 100 kB (a name; read before the stream is proven)
        java.io.ByteArrayOutputStream start = new java.io.ByteArrayOutputStream();
        start.writeBytes("PGDMP".getBytes());
        start.writeBytes(new byte[] {1, 14, 0, 4, 8, 1});
        for (int i = 0; i < 8; i++) {
            start.writeBytes(new byte[] {0, 0, 0, 0, 0}); // compression level, then the creation time
        }
        start.writeBytes(new byte[] {0, (byte) 0xa0, (byte) 0x86, 0x01, 0}); // 100,000
        byte[] hostile = start.toByteArray();

        // Then it is refused at the claim, not read
        assertThatThrownBy(() -> ArchiveToc.read(new ByteArrayInputStream(hostile)))
                .isInstanceOf(ArchiveToc.NotAnArchiveException.class).hasMessageContaining("a name of the table of contents claims 100000 bytes");
    }

    @Test
    void aTableComesWithWhatItNeedsAndItsForeignKeyOutsideIsNamed() throws Exception {
        ArchiveToc toc = read();

        SubsetSelection.Subset subset = SubsetSelection.select(toc, List.of(), List.of("ledger.entry"), List.of());

        assertThat(subset.entries()).extracting(TocEntry::describe).contains("TABLE ledger.entry", "TABLE DATA ledger.entry",
                "SEQUENCE ledger.entry_id_seq", "SEQUENCE SET ledger.entry_id_seq", "SEQUENCE OWNED BY ledger.entry_id_seq",
                "DEFAULT ledger.entry id", "CONSTRAINT ledger.entry entry_pkey", "TRIGGER ledger.entry entry_touch",
                "FUNCTION ledger.touch()", "SCHEMA ledger", "COMMENT ledger.TABLE entry")
                .doesNotContain("TABLE inventory.item", "VIEW ledger.balance", "EXTENSION citext");
        assertThat(subset.leftOut()).extracting(Object::toString)
                .containsExactly("FK CONSTRAINT ledger.entry entry_item_fkey (needs TABLE inventory.item, which is not restored)");
        assertThat(subset.relations()).extracting(TocEntry::describe).containsExactly("TABLE ledger.entry");
    }

    @Test
    void aSchemaComesWholeAndItsExtensionsWithIt() throws Exception {
        SubsetSelection.Subset subset = SubsetSelection.select(read(), List.of("inventory"), List.of(), List.of());

        assertThat(subset.relations()).extracting(TocEntry::describe)
                .containsExactly("TABLE inventory.item", "TABLE inventory.movement");
        assertThat(subset.entries()).extracting(TocEntry::describe).contains("EXTENSION citext",
                "FK CONSTRAINT inventory.movement movement_item_fkey", "INDEX inventory.movement_item");
        assertThat(subset.leftOut()).isEmpty();
    }

    @Test
    void whatOnlySharesAnExtensionWithTheChosenTableIsNeitherRestoredNorNamed() throws Exception {
        SubsetSelection.Subset subset = SubsetSelection.select(read(), List.of(), List.of("inventory.item"), List.of());

        assertThat(subset.entries()).extracting(TocEntry::describe).contains("EXTENSION citext")
                .doesNotContain("INDEX ledger.tag_name", "TABLE ledger.tag");
        assertThat(subset.leftOut()).isEmpty();
    }

    @Test
    void anExcludedTableTakesWhatBelongsToItAndLeavesItsReferencesNamed() throws Exception {
        SubsetSelection.Subset subset = SubsetSelection.select(read(), List.of("inventory", "ledger"), List.of(),
                List.of("inventory.item"));

        assertThat(subset.relations()).extracting(TocEntry::describe)
                .containsExactly("TABLE inventory.movement", "TABLE ledger.entry", "VIEW ledger.balance", "TABLE ledger.tag");
        assertThat(subset.entries()).extracting(TocEntry::describe).doesNotContain("TABLE DATA inventory.item",
                "CONSTRAINT inventory.item item_pkey");
        assertThat(subset.leftOut()).extracting(l -> l.entry().describe()).containsExactlyInAnyOrder(
                "FK CONSTRAINT inventory.movement movement_item_fkey", "FK CONSTRAINT ledger.entry entry_item_fkey");
    }

    @Test
    void namesAreExactAndAMissingOneIsRefused() throws Exception {
        ArchiveToc toc = read();

        assertThat(SubsetSelection.select(toc, List.of(), List.of("public.\"Odd.Name\""), List.of()).relations())
                .extracting(TocEntry::tag).containsExactly("Odd.Name");
        assertThatThrownBy(() -> SubsetSelection.select(toc, List.of(), List.of("Ledger.Entry"), List.of()))
                .hasMessageContaining("no table Ledger.Entry");
        assertThatThrownBy(() -> SubsetSelection.select(toc, List.of("nowhere"), List.of(), List.of()))
                .hasMessageContaining("no schema nowhere");
        assertThatThrownBy(() -> SubsetSelection.select(toc, List.of(), List.of("entry"), List.of()))
                .hasMessageContaining("SCHEMA.TABLE");
    }

    private static ArchiveToc read() throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(archive))) {
            return ArchiveToc.read(in);
        }
    }

    private static byte[] bytes() {
        try {
            return Files.readAllBytes(archive);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<String> pgRestoreList(Path file) throws Exception {
        try (PgClientProcess list = PgClientProcess.start(List.of(tool("pg_restore"), "--list", file.toString()),
                Optional.empty())) {
            list.stdin().close();
            var out = new java.io.ByteArrayOutputStream();
            assertThat(list.copyStdoutTo(out, java.time.Duration.ofMinutes(1))).as(list.stderrTail()).isZero();
            return out.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith(";")).toList();
        }
    }

    static String tool(String name) {
        return postgres.binDir().resolve(name).toString();
    }

    private static final class CountingStream extends java.io.FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count += b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count += Math.max(n, 0);
            return n;
        }
    }
}
