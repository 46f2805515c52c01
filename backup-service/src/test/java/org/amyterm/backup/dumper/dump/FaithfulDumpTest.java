package org.amyterm.backup.dumper.dump;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.Inventory;
import org.amyterm.backup.pgtools.inventory.RowSampler;
import org.amyterm.backup.testsupport.PostgresServer;
import org.amyterm.backup.testsupport.ServerProcess;
import org.amyterm.backup.testsupport.TestDirs;
import org.amyterm.backup.testsupport.TestServers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the dump holds, restored into a fresh database with pg_restore, against the source. */
class FaithfulDumpTest {
    private static final String SOURCE = "faithful_src";
    private static final String BUSY = "busy_src";
    private final PostgresServer postgres = TestServers.postgres();
    @TempDir
    Path spool;

    @Test
    void aDatabaseUsingWhatApplicationsUseRestoresWithTheSameContentAndObjects() throws Exception {
        // Given a database with extensions, custom types, several schemas, quoted and non-ASCII
        // identifiers, a partitioned table, row-level security, a large object and non-ASCII data
        postgres.createDatabaseOnce(SOURCE, new String(getClass().getResourceAsStream("/faithful-dump.sql").readAllBytes(),
                StandardCharsets.UTF_8));

        // When it is dumped and the archive restored into a fresh database
        BackupCompleted dump = dump(SOURCE);
        String restored = restore(dump, "faithful_restored");

        // Then every table's content and the inventory of objects are the source's
        assertThat(contentHashes(restored)).isEqualTo(contentHashes(SOURCE)).hasSize(6);
        List<String> inventory = inventory(SOURCE);
        assertThat(inventory(restored)).containsExactlyElementsOf(inventory);
        assertThat(inventory).anyMatch(line -> line.startsWith("policy terminology.value_set.region_isolation"))
                .anyMatch(line -> line.startsWith("sequence terminology.release_seq 4242"))
                .anyMatch(line -> line.startsWith("large objects 1 "))
                .anyMatch(line -> line.contains("Événements"))
                .anyMatch(line -> line.startsWith("comment ") && line.contains("概念"));
        // and the manifest's counts are the restored ones, with the extensions and roles it needs
        assertThat(dump.tableRowCounts()).isEqualTo(rowCounts(restored));
        assertThat(dump.dumpDetails().extensions()).anyMatch(e -> e.startsWith("citext "))
                .anyMatch(e -> e.startsWith("hstore ")).anyMatch(e -> e.startsWith("pgcrypto "));
        assertThat(dump.dumpDetails().roles()).contains(PostgresServer.SUPERUSER, "faithful_reader");
        // and the inventory recorded for the restore test: objects, sequence values, large objects, samples
        Inventory recorded = dump.dumpDetails().inventory();
        assertThat(recorded.tables()).containsAll(contentHashes(SOURCE).keySet()).hasSize(7); // and the partitioned parent
        assertThat(recorded.sequences()).containsEntry("terminology.release_seq", "4242");
        assertThat(recorded.largeObjects()).isEqualTo(1);
        assertThat(recorded.samples()).isNotEmpty();
        assertThat(samplesOf(restored, recorded)).isEqualTo(recorded.samples());
        assertThat(dump.dumpDetails().rto()).isEqualTo("PT4H");
    }

    @Test
    void rowCountsAreThoseOfTheDumpWhileAnotherConnectionWrites() throws Exception {
        // Given a table another connection keeps inserting into
        postgres.createDatabaseOnce(BUSY, "CREATE TABLE events (id bigserial PRIMARY KEY, body text); "
                + "INSERT INTO events (body) SELECT md5(g::text) FROM generate_series(1, 200000) g");
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong batches = new AtomicLong();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(writing, batches));
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> batches.get() > 0);

            // When it is dumped meanwhile
            long before = batches.get();
            BackupCompleted dump = dump(BUSY);
            long after = batches.get();

            // Then writes went on during the dump, and the recorded count is exactly what the archive restores
            assertThat(after).as("batches committed during the dump").isGreaterThan(before);
            String restored = restore(dump, "busy_restored");
            assertThat(dump.tableRowCounts()).isEqualTo(rowCounts(restored));
            // and so are the sampled rows' checksums (1 in 100 rows by key, taken in the dump's snapshot)
            Inventory recorded = dump.dumpDetails().inventory();
            assertThat(recorded.samples()).singleElement().satisfies(sample ->
                    assertThat(sample.rows()).isBetween(1000L, 3000L));
            assertThat(samplesOf(restored, recorded)).isEqualTo(recorded.samples());
            assertThat(rowCounts(BUSY).get("public.events")).isGreaterThan(dump.tableRowCounts().get("public.events"));
        } finally {
            writing.set(false);
            writer.join();
        }
    }

    private void write(AtomicBoolean writing, AtomicLong batches) {
        try (Connection connection = connect(BUSY); Statement st = connection.createStatement()) {
            while (writing.get()) {
                st.execute("INSERT INTO events (body) SELECT md5(random()::text) FROM generate_series(1, 100)");
                batches.incrementAndGet();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private BackupCompleted dump(String database) {
        return TestDumpers.dumper(postgres, spool, database, Map.of()).dump(BackupRequested.of(database,
                BackupReason.MANUAL, "test", UUID.randomUUID().toString(), Instant.now()), started -> { });
    }

    /** Decompresses the spool file and restores it with pg_restore into a new database; returns its name. */
    private String restore(BackupCompleted dump, String database) throws IOException {
        Path archive = spool.resolve(dump.backupId() + ".pgcustom");
        try (InputStream in = new ZstdInputStream(Files.newInputStream(Path.of(dump.spoolFile())))) {
            Files.copy(in, archive);
        }
        postgres.psql("postgres", "DROP DATABASE IF EXISTS " + database);
        postgres.createDatabase(database);
        ServerProcess.run(List.of(postgres.binDir().resolve("pg_restore").toString(), "--exit-on-error", "--no-owner",
                "--no-privileges", "-h", postgres.host(), "-p", Integer.toString(postgres.port()), "-U",
                PostgresServer.SUPERUSER, "-d", database, archive.toString()), Map.of("PGPASSWORD", postgres.password()),
                TestDirs.servers(), Duration.ofMinutes(5));
        return database;
    }

    /** The recorded samples taken again on {@code database}. */
    private List<Inventory.Sample> samplesOf(String database, Inventory recorded) throws SQLException {
        List<Inventory.Sample> samples = new ArrayList<>();
        try (Connection connection = connect(database)) {
            for (Inventory.Sample sample : recorded.samples()) {
                samples.add(new RowSampler(connection).sample(sample.table(), sample.key(), sample.buckets(),
                        Duration.ofMinutes(1)));
            }
        }
        return samples;
    }

    /** md5 of each table's rows in a fixed order, by table. */
    private Map<String, String> contentHashes(String database) throws SQLException {
        Map<String, String> hashes = new TreeMap<>();
        try (Connection connection = connect(database)) {
            for (String table : tables(connection, "'r'")) {
                hashes.put(table, strings(connection, "SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) "
                        + "FROM " + table + " t").get(0));
            }
        }
        return hashes;
    }

    private Map<String, Long> rowCounts(String database) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection connection = connect(database)) {
            for (String table : tables(connection, "'r', 'p'")) {
                counts.put(table, Long.parseLong(strings(connection, "SELECT count(*) FROM ONLY " + table).get(0)));
            }
        }
        return counts;
    }

    /** Every object an application defines, one sorted line each, with what identifies its definition. */
    private List<String> inventory(String database) throws SQLException {
        String user = "NOT IN ('pg_catalog', 'information_schema') AND %s NOT LIKE 'pg_toast%%'";
        String sql = String.join(" UNION ALL ",
                "SELECT 'relation ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text || ' rls=' || c.relrowsecurity "
                        + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind NOT IN ('i', 'I', 't', 'c') "
                        + "AND n.nspname " + user.formatted("n.nspname"),
                "SELECT 'index ' || pg_get_indexdef(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE c.relkind IN ('i', 'I') AND n.nspname " + user.formatted("n.nspname"),
                "SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(c.oid) "
                        + "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname "
                        + user.formatted("n.nspname"),
                "SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal",
                "SELECT 'function ' || p.oid::regprocedure || ' ' || md5(pg_get_functiondef(p.oid)) FROM pg_proc p "
                        + "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind IN ('f', 'p') AND n.nspname "
                        + user.formatted("n.nspname") + " AND NOT EXISTS (SELECT 1 FROM pg_depend d "
                        + "WHERE d.objid = p.oid AND d.deptype = 'e')",
                "SELECT 'type ' || t.oid::regtype || ' ' || t.typtype::text FROM pg_type t JOIN pg_namespace n "
                        + "ON n.oid = t.typnamespace WHERE t.typtype IN ('e', 'c', 'd') AND n.nspname "
                        + user.formatted("n.nspname") + " AND NOT EXISTS (SELECT 1 FROM pg_depend d "
                        + "WHERE d.objid = t.oid AND d.deptype = 'e') AND (t.typtype <> 'c' OR EXISTS (SELECT 1 "
                        + "FROM pg_class r WHERE r.oid = t.typrelid AND r.relkind = 'c'))",
                "SELECT 'enum ' || enumtypid::regtype || ' ' || enumsortorder || ' ' || enumlabel FROM pg_enum",
                "SELECT 'sequence ' || schemaname || '.' || sequencename || ' ' || coalesce(last_value::text, '-') "
                        + "FROM pg_sequences",
                "SELECT 'policy ' || schemaname || '.' || tablename || '.' || policyname || ' ' || coalesce(qual, '') "
                        + "FROM pg_policies",
                "SELECT 'extension ' || extname || ' ' || extversion FROM pg_extension",
                "SELECT 'comment ' || pg_describe_object(classoid, objoid, objsubid) || ': ' || description "
                        + "FROM pg_description WHERE objoid >= 16384",
                "SELECT 'large objects ' || count(*) || ' ' || coalesce(md5(string_agg(md5(lo_get(oid)), ',' "
                        + "ORDER BY md5(lo_get(oid)))), '') FROM pg_largeobject_metadata");
        try (Connection connection = connect(database)) {
            List<String> lines = new ArrayList<>(strings(connection, sql));
            lines.sort(null);
            return lines;
        }
    }

    /** The application's tables of the given kinds ({@code 'r'}: with rows; {@code 'p'}: partitioned), quoted. */
    private static List<String> tables(Connection connection, String relkinds) throws SQLException {
        return strings(connection, "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN (" + relkinds + ") "
                + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'");
    }

    private Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", PostgresServer.SUPERUSER);
        properties.setProperty("password", postgres.password());
        return new org.postgresql.Driver().connect(postgres.jdbcUrl(database), properties);
    }

    private static List<String> strings(Connection connection, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
