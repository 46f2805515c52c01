package org.amyterm.backup.verifier.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.DumpDetails;
import org.amyterm.backup.contracts.Inventory;
import org.amyterm.backup.pgtools.inventory.InventoryReader;
import org.amyterm.backup.pgtools.inventory.RowSampler;
import org.amyterm.backup.testsupport.PostgresServer;
import org.amyterm.backup.testsupport.ServerProcess;
import org.amyterm.backup.testsupport.TestDirs;
import org.amyterm.backup.testsupport.TestServers;
import org.amyterm.backup.verifier.verify.StagingResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generic profile's inventory checks on a real restore (pg_dump and pg_restore of an inventory
 * application), against a copy changed the ways a bad backup or restore would change it.
 */
class InventoryChecksTest {
    private static final String SOURCE = "inventory_checks_source";
    private static final PostgresServer postgres = TestServers.postgres();
    private static java.nio.file.Path archive;
    private static DumpDetails recorded;

    @BeforeAll
    static void dumpTheSource() throws Exception {
        postgres.createDatabaseOnce(SOURCE, StagingResource.GENERIC_SCHEMA);
        try (Connection source = connect(SOURCE)) {
            InventoryReader reader = new InventoryReader(source, InventoryReader.Exclusions.NONE);
            Map<String, String> sequences = reader.sequences();
            Inventory inventory = reader.read(sequences, new RowSampler(source).take(reader.primaryKeys(), 1,
                    Duration.ofMinutes(1)));
            recorded = new DumpDetails("default", List.of(), List.of("citext 1.6"), List.of(PostgresServer.SUPERUSER),
                    "generic", "daily", "PT26H", "PT4H", inventory);
        }
        java.nio.file.Path dir = TestDirs.server("inventory-checks");
        archive = dir.resolve("source.pgcustom");
        ServerProcess.run(List.of(postgres.binDir().resolve("pg_dump").toString(), "--format=custom", "--no-owner",
                "--host=" + postgres.host(), "--port=" + postgres.port(), "--username=postgres", "--file=" + archive, SOURCE),
                Map.of("PGPASSWORD", postgres.password()), dir, Duration.ofMinutes(2));
    }

    @Test
    void aFaithfulRestorePassesEveryInventoryCheck() throws Exception {
        try (Connection restored = restoredCopy("faithful")) {
            assertThat(new InventoryChecks(Duration.ofMinutes(1)).run(restored, recorded)).as("checks")
                    .allSatisfy(c -> assertThat(c.passed()).as(c.toString()).isTrue())
                    .extracting(CheckResult::name)
                    .containsExactly("inventory", "sequences", "extensions", "roles", "large-objects", "sampled-rows");
        }
    }

    @Test
    void aSampledRowChangedInTheRestoredCopyFailsTheSampledRowsCheckWithoutShowingTheRow() throws Exception {
        try (Connection restored = restoredCopy("changed_row")) {
            // Given one character of one row changed after the restore (no count changes)
            execute(restored, "UPDATE ledger.entry SET note = replace(note, 'Zürich', 'Zurich') WHERE id = 7");

            List<CheckResult> results = new InventoryChecks(Duration.ofMinutes(1)).run(restored, recorded);

            assertThat(check(results, "sampled-rows").passed()).isFalse();
            assertThat(check(results, "sampled-rows").detail()).contains("ledger.entry", "content differs")
                    .doesNotContain("Zurich", "Zürich");
            assertThat(check(results, "inventory").passed()).isTrue();
        }
    }

    @Test
    void missingObjectsABehindSequenceAndALostLargeObjectEachFailTheirCheck() throws Exception {
        try (Connection restored = restoredCopy("damaged")) {
            execute(restored, "DROP INDEX inventory.movement_item; DROP TRIGGER entry_touch ON ledger.entry; "
                    + "SELECT setval('ledger.entry_id_seq', 5); SELECT lo_unlink(scan) FROM ledger.entry WHERE id = 1; "
                    + "DROP EXTENSION citext CASCADE");

            DumpDetails withARoleGone = new DumpDetails("default", List.of(), recorded.extensions(),
                    List.of(PostgresServer.SUPERUSER, "role_dropped_since"), "generic", "daily", "PT26H", "PT4H",
                    recorded.inventory());
            List<CheckResult> results = new InventoryChecks(Duration.ofMinutes(1)).run(restored, withARoleGone);

            assertThat(check(results, "roles").detail()).contains("missing: role_dropped_since");
            assertThat(check(results, "inventory").detail()).contains("inventory.movement_item",
                    "trigger ledger.entry.entry_touch", "missing after restore");
            assertThat(check(results, "sequences").detail()).contains("ledger.entry_id_seq restored at 5, the dump saw it at 300");
            assertThat(check(results, "large-objects").detail()).contains("1 large objects restored, the dump had 2");
            assertThat(check(results, "extensions").detail()).contains("citext");
            assertThat(results).filteredOn(c -> !c.name().equals("sampled-rows")).noneMatch(CheckResult::passed);
        }
    }

    @Test
    void aBackupWithoutAnInventorySaysItsObjectsWereNotCompared() throws Exception {
        try (Connection restored = restoredCopy("old_backup")) {
            List<CheckResult> results = new InventoryChecks(Duration.ofMinutes(1)).run(restored,
                    new DumpDetails("default", List.of(), List.of(), List.of(), "generic", "daily", "PT26H"));

            assertThat(results).singleElement().satisfies(c -> {
                assertThat(c.passed()).isTrue();
                assertThat(c.detail()).contains("not recorded by this backup", "not compared");
            });
        }
    }

    private static CheckResult check(List<CheckResult> results, String name) {
        return results.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    private static Connection restoredCopy(String name) throws Exception {
        String database = "inventory_checks_" + name;
        postgres.psql("postgres", "DROP DATABASE IF EXISTS " + database);
        postgres.createDatabase(database);
        ServerProcess.run(List.of(postgres.binDir().resolve("pg_restore").toString(), "--no-owner", "--no-privileges",
                "--exit-on-error", "--host=" + postgres.host(), "--port=" + postgres.port(), "--username=postgres",
                "--dbname=" + database, archive.toString()), Map.of("PGPASSWORD", postgres.password()), archive.getParent(),
                Duration.ofMinutes(2));
        return connect(database);
    }

    private static Connection connect(String database) throws Exception {
        java.util.Properties login = new java.util.Properties();
        login.setProperty("user", PostgresServer.SUPERUSER);
        login.setProperty("password", postgres.password());
        // the driver itself: DriverManager does not see it from a class loader Quarkus tests left behind
        return new org.postgresql.Driver().connect(postgres.jdbcUrl(database), login);
    }

    private static void execute(Connection connection, String sql) throws Exception {
        try (var st = connection.createStatement()) {
            st.execute(sql);
        }
    }
}
