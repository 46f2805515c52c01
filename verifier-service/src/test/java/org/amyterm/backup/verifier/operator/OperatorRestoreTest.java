package org.amyterm.backup.verifier.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.RestoreCompleted;
import org.amyterm.backup.contracts.RestoreVerified;
import org.amyterm.backup.messaging.RecordedEvents;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.pgtools.inventory.InventoryReader;
import org.amyterm.backup.pgtools.inventory.RowSampler;
import org.amyterm.backup.testsupport.PostgresServer;
import org.amyterm.backup.testsupport.TestServers;
import org.amyterm.backup.verifier.verify.StagingResource;
import org.amyterm.backup.verifier.verify.StandardToolBackups;
import org.amyterm.backup.testsupport.ApiTokens;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator restore on a real PostgreSQL (as a role with CREATEDB only): the last known good
 * backup comes back with the source's content, and each safeguard refuses with its own reason,
 * leaving the target as it was.
 */
@QuarkusTest
@QuarkusTestResource(StagingResource.class)
class OperatorRestoreTest {
    private static final String OPERATOR = "restore_operator";
    private static final String NO_CREATEDB = "restore_without_createdb";
    private static final String PASSWORD = "Op-" + java.util.UUID.randomUUID();
    /** A database whose backup is an object of several parts. */
    private static final String LARGE = "restore_large";

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    ObjectStore store;

    @Inject
    ObjectLayout layout;

    @Inject
    org.amyterm.backup.objectstore.BackupCatalogue catalogue;

    @TestHTTPResource("/restores")
    URI restores;

    private final PostgresServer postgres = TestServers.postgres();
    private RecordedEvents events;

    @BeforeEach
    void roles() {
        events = new RecordedEvents(connector.sink("events"));
        events.clear();
        postgres.psql("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + OPERATOR + "') THEN "
                + "CREATE ROLE " + OPERATOR + " LOGIN CREATEDB PASSWORD '" + PASSWORD + "'; "
                + "CREATE ROLE " + NO_CREATEDB + " LOGIN PASSWORD '" + PASSWORD + "'; END IF; END $$");
    }

    @Test
    void theLastKnownGoodBackupIsRestoredIntoANewDatabaseWithTheSourcesContent() throws Exception {
        // Given a verified backup of an application with extensions, two schemas, large objects and non-ASCII text
        verifiedBackup(StagingResource.GENERIC);
        String target = "restored_generic_" + System.nanoTime();

        // When an operator restores the last known good one into a new database, as a role with CREATEDB only
        JsonNode done = restore(request(StagingResource.GENERIC, target, OPERATOR, "central"));

        // Then it is restored, each table's content equal to the source's, large objects included
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("restored");
        assertThat(contents(target)).isEqualTo(contents(StagingResource.GENERIC)).isNotEmpty();
        assertThat(done.path("steps").toString()).contains("staging: ", "checks passed", "federation trust: the backup has "
                + "no federation tables");
        RestoreCompleted completed = events.await(RestoreCompleted.class, RestoreCompleted.TYPE);
        assertThat(completed.targetDatabase()).isEqualTo(target);
        assertThat(completed.checks()).allMatch(c -> c.passed());
        assertThat(postgres.psql(target, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"))
                .isEqualTo(OPERATOR);
    }

    @Test
    void aDryRunChecksEverythingAndChangesNothing() throws Exception {
        verifiedBackup(StagingResource.GENERIC);
        String target = "dry_run_" + System.nanoTime();
        Map<String, Object> request = request(StagingResource.GENERIC, target, OPERATOR, "central");
        request.put("dryRun", true);

        JsonNode done = restore(request);

        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("dry-run-passed");
        assertThat(exists(target)).isFalse();
    }

    @Test
    void eachSafeguardRefusesWithItsOwnReasonAndLeavesTheTargetAsItWas() throws Exception {
        verifiedBackup(StagingResource.GENERIC);
        verifiedBackup(StagingResource.SOURCE);

        // a target that holds something
        String full = emptyTarget("target_full");
        postgres.psql(full, "CREATE TABLE keep_me (id int PRIMARY KEY, note text); INSERT INTO keep_me VALUES (1, 'mine')");
        assertRefused(request(StagingResource.GENERIC, full, OPERATOR, "central"), full, "AT-RESTORE-001", "already holds");

        // a target someone is connected to (the application was not stopped)
        String inUse = emptyTarget("target_in_use");
        try (Connection application = connect(inUse, PostgresServer.SUPERUSER, postgres.password())) {
            assertRefused(request(StagingResource.GENERIC, inUse, OPERATOR, "central"), inUse, "AT-RESTORE-002",
                    "other session");
        }

        // a role that may not create the target database
        String absent = "target_absent_" + System.nanoTime();
        JsonNode noRight = restore(request(StagingResource.GENERIC, absent, NO_CREATEDB, "central"));
        assertThat(noRight.path("reason").asText()).as(noRight.toString()).isEqualTo("AT-RESTORE-003");
        assertThat(noRight.path("message").asText()).contains("may not create it");
        assertThat(exists(absent)).isFalse();

        // a schema version other than the one expected
        String empty = emptyTarget("target_empty");
        Map<String, Object> schema = request(StagingResource.SOURCE, empty, OPERATOR, "central");
        schema.put("expectSchemaVersion", "9.9.9");
        assertRefused(schema, empty, "AT-RESTORE-004", "not the expected 9.9.9");

        // a node role other than the backup's
        assertRefused(request(StagingResource.SOURCE, empty, OPERATOR, "regional"), empty, "AT-RESTORE-005",
                "backup is of a central node");

        // a federation trust configuration other than the backup's
        Map<String, Object> trust = request(StagingResource.SOURCE, empty, OPERATOR, "central");
        trust.put("trustConfig", List.of("# the keys this node trusts", "key-unknown 00ff"));
        assertRefused(trust, empty, "AT-RESTORE-006", "the given configuration trusts key-unknown 00ff, the backup does not");
    }

    @Test
    void rolesTheBackupReferencesAreRefusedWhenMissingAndMadeFromItsGlobalsWithCreateRoles() throws Exception {
        // Given a database with a row-level security policy for a role, backed up with the server's
        // roles, and that role dropped since (a new server, say)
        String role = "ledger_reader_" + System.nanoTime() % 1_000_000;
        String source = "roles_source_" + System.nanoTime();
        postgres.psql("postgres", "CREATE ROLE " + role + " NOLOGIN");
        postgres.createDatabase(source);
        postgres.psql(source, "CREATE TABLE ledger (id int PRIMARY KEY, amount numeric NOT NULL); "
                + "INSERT INTO ledger SELECT g, g * 2.5 FROM generate_series(1, 20) g; "
                + "ALTER TABLE ledger ENABLE ROW LEVEL SECURITY; GRANT SELECT ON ledger TO " + role + "; "
                + "CREATE POLICY ledger_read ON ledger FOR SELECT TO " + role + " USING (amount > 10)");
        StandardToolBackups.Made made = StandardToolBackups.storedWithRoles(source, List.of("public.ledger"), List.of(role),
                store, layout, connector);
        await().atMost(Duration.ofSeconds(90)).until(() -> events.ofType(RestoreVerified.TYPE).stream()
                .anyMatch(m -> m.getPayload().contains(made.backupId())));
        postgres.psql(source, "DROP POLICY ledger_read ON ledger; REVOKE ALL ON ledger FROM " + role);
        postgres.psql("postgres", "DROP ROLE " + role);
        postgres.psql("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'restore_role_maker') "
                + "THEN CREATE ROLE restore_role_maker LOGIN CREATEDB CREATEROLE PASSWORD '" + PASSWORD + "'; END IF; END $$");

        // When it is restored without --create-roles, Then it is refused naming the role, and nothing is made
        String target = "restored_roles_" + System.nanoTime();
        JsonNode refused = restore(request(source, target, "restore_role_maker", "central"));
        assertThat(refused.path("reason").asText()).as(refused.toString()).isEqualTo("AT-RESTORE-003");
        assertThat(refused.path("message").asText()).contains(role, "--create-roles");
        assertThat(exists(target)).isFalse();

        // When it is restored with --create-roles, Then the role is made from the backup's globals, and its
        // policy and grant are restored
        Map<String, Object> withRoles = request(source, target, "restore_role_maker", "central");
        withRoles.put("createRoles", true);
        JsonNode done = restore(withRoles);
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("restored");
        assertThat(postgres.psql("postgres", "SELECT rolcanlogin FROM pg_roles WHERE rolname = '" + role + "'")).isEqualTo("f");
        assertThat(postgres.psql(target, "SELECT string_agg(polname || ' ' || pg_get_userbyid(r), ',') "
                + "FROM pg_policy, unnest(polroles) r")).isEqualTo("ledger_read " + role);
        assertThat(postgres.psql(target, "SELECT has_table_privilege('" + role + "', 'ledger', 'SELECT')")).isEqualTo("t");
        assertThat(contents(target)).isEqualTo(contents(source));
    }

    @Test
    void withApplyTrustConfigTheKeysTheBackupTrustsBeyondTheGivenConfigurationAreRevokedOnTheTarget() throws Exception {
        // Given a backup of an Amy-Term node, and a trust configuration that no longer trusts one of its keys
        verifiedBackup(StagingResource.SOURCE);
        List<String> trusted = List.of(postgres.psql(StagingResource.SOURCE, "SELECT string_agg(key_id || ' ' || "
                + "encode(sha256(convert_to(public_key_pem, 'UTF8')), 'hex'), E'\\n' ORDER BY key_id) "
                + "FROM federation_trust WHERE NOT revoked").split("\n"));
        assertThat(trusted).hasSizeGreaterThan(1);
        String dropped = trusted.get(0);
        String target = "restored_trust_" + System.nanoTime();
        Map<String, Object> request = request(StagingResource.SOURCE, target, OPERATOR, "central");
        request.put("trustConfig", trusted.subList(1, trusted.size()));
        request.put("applyTrustConfig", true);

        // When it is restored with --apply-trust-config
        JsonNode done = restore(request);

        // Then the key the configuration does not trust is revoked on the target, and only that one
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("restored");
        assertThat(done.path("steps").toString()).contains("revoked 1 key(s)");
        assertThat(postgres.psql(target, "SELECT string_agg(key_id, ',') FROM federation_trust WHERE revoked AND key_id = '"
                + dropped.split(" ")[0] + "'")).isEqualTo(dropped.split(" ")[0]);
        assertThat(postgres.psql(target, "SELECT count(*) FROM federation_trust WHERE NOT revoked"))
                .isEqualTo(Integer.toString(trusted.size() - 1));
    }

    @Test
    void aDumpThatIsNotInTheCatalogueIsRestoredFromTheBucketOrAFileCheckingWhatItCan() throws Exception {
        // Given a stored backup whose manifest is lost, and a copy of its encrypted object on the verifier's host
        StandardToolBackups.Made made = verifiedBackup(StagingResource.GENERIC);
        store.delete(layout.manifestKey(StagingResource.GENERIC, made.backupId()));

        // When it is restored from its object, and from the file
        String fromObject = "restored_unlisted_object_" + System.nanoTime();
        Map<String, Object> byObject = request(StagingResource.GENERIC, fromObject, OPERATOR, "central");
        byObject.remove("backup");
        byObject.put("fromObject", StagingResource.BUCKET + "/" + made.objectKey());
        JsonNode object = restore(byObject);
        String fromFile = "restored_unlisted_file_" + System.nanoTime();
        Map<String, Object> byFile = request(StagingResource.GENERIC, fromFile, OPERATOR, "central");
        byFile.remove("backup");
        byFile.put("fromFile", made.encryptedFile().toString());
        JsonNode file = restore(byFile);

        // Then both restore the source's content, saying what could not be checked
        assertThat(object.path("state").asText()).as(object.toString()).isEqualTo("restored");
        assertThat(file.path("state").asText()).as(file.toString()).isEqualTo("restored");
        assertThat(object.path("steps").get(0).asText()).contains("without a manifest", "OpenPGP integrity code");
        assertThat(contents(fromObject)).isEqualTo(contents(StagingResource.GENERIC));
        assertThat(contents(fromFile)).isEqualTo(contents(StagingResource.GENERIC));

        // and an object of another bucket, or a file that is not there, is refused naming why
        Map<String, Object> otherBucket = new LinkedHashMap<>(byObject);
        otherBucket.put("fromObject", "someone-elses-bucket/" + made.objectKey());
        otherBucket.put("targetDatabase", "never_" + System.nanoTime());
        assertThat(restore(otherBucket).path("message").asText()).contains("reads bucket " + StagingResource.BUCKET + " only");
        Map<String, Object> noFile = new LinkedHashMap<>(byFile);
        noFile.put("fromFile", "/nonexistent/dump.pgcustom.zst.gpg");
        noFile.put("targetDatabase", "never_" + System.nanoTime());
        assertThat(restore(noFile).path("reason").asText()).isEqualTo("AT-VERIFY-005");
    }

    @Test
    void aRequestWithoutTargetOrRoleIsABadRequest() throws Exception {
        HttpResponse<String> response = post(Map.of("database", "x", "backup", "latest"));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("backup: last-known-good or a backup id", "nodeRole: central or regional",
                "targetHost: required");

        // and a host that would carry driver parameters into the JDBC URL is refused before anything connects
        HttpResponse<String> hostile = post(Map.of("database", "x", "backup", "last-known-good", "targetHost",
                "db.example/x?socketFactory=org.springframework.context.support.ClassPathXmlApplicationContext&a=",
                "targetUser", "amyterm", "targetDatabase", "x", "nodeRole", "central"));
        assertThat(hostile.statusCode()).isEqualTo(400);
        assertThat(hostile.body()).contains("targetHost: a host name, an IPv4 address or an IPv6 address");
    }

    @Test
    void contentsListWhatPgRestoreListsReadingOnlyTheStartOfALargeObject() throws Exception {
        // Given a stored backup whose object is more than two parts of 8 MiB (random images: it barely compresses)
        postgres.createDatabaseOnce(LARGE, "CREATE TABLE public.scan (id int PRIMARY KEY, image bytea NOT NULL); "
                + "INSERT INTO public.scan SELECT r, (SELECT decode(string_agg(md5(r || ':' || g), ''), 'hex') "
                + "FROM generate_series(1, 437500) g) FROM generate_series(1, 3) r");
        StandardToolBackups.Made made = StandardToolBackups.storedWithRoles(LARGE, List.of("public.scan"), List.of(), store,
                layout, connector);

        // When a viewer asks for its contents
        HttpResponse<String> response = get("/contents/" + LARGE + "/" + made.backupId(), ApiTokens.viewer());

        // Then they are what pg_restore -l lists for the same archive, read from less than a tenth of the object
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode contents = new ObjectMapper().readTree(response.body());
        List<String> entries = new java.util.ArrayList<>();
        contents.path("entries").forEach(e -> entries.add(e.asText()));
        assertThat(entries).isEqualTo(pgRestoreList(made.encryptedFile().resolveSibling("dump.pgcustom")));
        long objectBytes = contents.path("objectBytes").asLong();
        assertThat(objectBytes).isGreaterThan(2L * 8 * 1024 * 1024);
        assertThat(contents.path("objectBytesRead").asLong()).isPositive().isLessThan(objectBytes / 10);
        assertThat(contents.path("tables").toString()).contains("\"schema\":\"public\",\"name\":\"scan\",\"rows\":3");
    }

    @Test
    void contentsOfTheLastKnownGoodNameItsSchemasTablesAndRowCounts() throws Exception {
        verifiedBackup(StagingResource.GENERIC);

        HttpResponse<String> response = get("/contents/" + StagingResource.GENERIC + "/last-known-good", ApiTokens.viewer());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode contents = new ObjectMapper().readTree(response.body());
        assertThat(contents.path("schemas").toString()).contains("inventory", "ledger");
        assertThat(contents.path("tables").toString()).contains("\"name\":\"entry\",\"rows\":300", "\"kind\":\"view\"");
        assertThat(contents.path("functions").toString()).contains("ledger.touch()");
        assertThat(contents.path("largeObjects").asLong()).isEqualTo(2);
        assertThat(get("/contents/" + StagingResource.GENERIC + "/20990101T000000Z-00000000", ApiTokens.viewer())
                .statusCode()).isEqualTo(404);
        assertThat(get("/contents/" + StagingResource.GENERIC + "/last-known-good", null).statusCode()).isEqualTo(401);
    }

    @Test
    void aTableComesBackWithItsSequenceIndexesAndTriggerAndTheForeignKeyItLeavesIsNamed() throws Exception {
        // Given a verified backup in which ledger.entry references inventory.item
        verifiedBackup(StagingResource.GENERIC);
        String target = "one_table_" + System.nanoTime();
        Map<String, Object> request = request(StagingResource.GENERIC, target, OPERATOR, "central");
        request.put("tables", List.of("ledger.entry"));

        // When only ledger.entry is restored into a new database
        JsonNode done = restore(request);

        // Then the target holds that table with the source's rows, its sequence, index and trigger, and no other table
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("restored");
        assertThat(contents(target)).containsOnlyKeys("ledger.entry", "large objects")
                .containsEntry("ledger.entry", contents(StagingResource.GENERIC).get("ledger.entry"));
        assertThat(Long.parseLong(postgres.psql(target, "SELECT last_value FROM ledger.entry_id_seq")))
                .isGreaterThanOrEqualTo(Long.parseLong(postgres.psql(StagingResource.GENERIC,
                        "SELECT last_value FROM ledger.entry_id_seq")));
        assertThat(postgres.psql(target, "SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint "
                + "WHERE conrelid = 'ledger.entry'::regclass")).isEqualTo("entry_amount_check,entry_pkey");
        assertThat(postgres.psql(target, "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).isEqualTo("entry_touch");
        // and the foreign key to the table not restored is named, in the steps and in the event
        assertThat(done.path("steps").toString()).contains("left out: FK CONSTRAINT ledger.entry entry_item_fkey "
                + "(needs TABLE inventory.item, which is not restored)");
        RestoreCompleted completed = events.await(RestoreCompleted.class, RestoreCompleted.TYPE);
        assertThat(completed.subset().mode()).isEqualTo("subset");
        assertThat(completed.subset().restored()).containsExactly("ledger.entry");
        assertThat(completed.subset().leftOut()).singleElement().asString().contains("entry_item_fkey");
        assertThat(completed.checks()).extracting(c -> c.name()).contains("row-counts", "inventory", "sampled-rows");
        assertThat(completed.checks()).allMatch(c -> c.passed());
        // and the restore is recorded beside its backup, signed, where the catalogue lists it as a restore
        assertThat(done.path("steps").toString()).contains("recorded as ");
        assertThat(catalogue.listNow(StagingResource.GENERIC).stream().filter(b -> b.backupId().equals(
                completed.backupId())).findFirst().orElseThrow().restores())
                .anySatisfy(r -> assertThat(r.targetDatabase()).isEqualTo(target));
    }

    @Test
    void aSchemaComesBackWholeAndNothingElse() throws Exception {
        verifiedBackup(StagingResource.GENERIC);
        String target = "one_schema_" + System.nanoTime();
        Map<String, Object> request = request(StagingResource.GENERIC, target, OPERATOR, "central");
        request.put("schemas", List.of("inventory"));

        JsonNode done = restore(request);

        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("restored");
        Map<String, String> source = contents(StagingResource.GENERIC);
        assertThat(contents(target)).containsOnlyKeys("inventory.item", "inventory.movement", "large objects")
                .containsEntry("inventory.item", source.get("inventory.item"))
                .containsEntry("inventory.movement", source.get("inventory.movement"));
        assertThat(postgres.psql(target, "SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace "
                + "WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'")).isEqualTo("inventory,public");
    }

    @Test
    void oneTableComesBackIntoANewSchemaBesideARunningDatabaseTouchingNothingElse() throws Exception {
        // Given a verified backup, and a live database whose ledger lost rows, with the application writing meanwhile
        verifiedBackup(StagingResource.GENERIC);
        String live = liveDatabase("live");
        postgres.psql(live, "DELETE FROM ledger.entry WHERE id > 100");
        List<String> before = inventory(live);
        java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread application = new Thread(() -> {
            try (Connection c = connect(live, PostgresServer.SUPERUSER, postgres.password());
                    Statement st = c.createStatement()) {
                while (writing.get()) {
                    // at an application's pace: a write, then 20 ms of the session's own idle time
                    st.execute("INSERT INTO inventory.movement VALUES (1, now(), 1); SELECT pg_sleep(0.02)");
                    written.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        application.start();
        try {
            // When ledger.entry is restored into the new schema recovered of that database
            Map<String, Object> request = request(StagingResource.GENERIC, live, OPERATOR, null);
            request.put("tables", List.of("ledger.entry"));
            request.put("intoSchema", "recovered");
            JsonNode done = restore(request);

            // Then recovered.entry holds the backup's rows, and every other object of the database is as it was
            assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("restored");
            assertThat(postgres.psql(live, "SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) FROM recovered.entry t"))
                    .isEqualTo(postgres.psql(StagingResource.GENERIC,
                            "SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) FROM ledger.entry t"));
            assertThat(postgres.psql(live, "SELECT count(*) FROM ledger.entry")).isEqualTo("100");
            assertThat(inventory(live, "recovered.")).isEqualTo(before);
            assertThat(done.path("steps").toString()).contains("left out: FK CONSTRAINT ledger.entry entry_item_fkey");
            RestoreCompleted completed = events.await(RestoreCompleted.class, RestoreCompleted.TYPE);
            assertThat(completed.subset().mode()).isEqualTo("into-schema");
            assertThat(completed.subset().intoSchema()).isEqualTo("recovered");
            assertThat(completed.checks()).allMatch(c -> c.passed());
        } finally {
            writing.set(false);
            application.join();
        }
        // and the application's session wrote all along
        assertThat(written.get()).isPositive();
    }

    @Test
    void intoSchemaRefusesEachWithItsOwnReasonAndLeavesTheTargetAsItWas() throws Exception {
        verifiedBackup(StagingResource.GENERIC);
        String live = liveDatabase("live_refusals");

        // a schema of that name exists
        postgres.psql(live, "CREATE SCHEMA recovered");
        assertIntoSchemaRefused(live, OPERATOR, "recovered", List.of("ledger.entry"), "AT-RESTORE-009", "already exists");

        // the role may not create a schema there
        assertIntoSchemaRefused(live, NO_CREATEDB, "recovered_2", List.of("ledger.entry"), "AT-RESTORE-010",
                "may not create a schema");

        // a chosen table's type comes from an extension the target lacks
        postgres.psql(live, "DROP TABLE inventory.movement, ledger.entry CASCADE; DROP TABLE inventory.item; "
                + "DROP EXTENSION citext");
        assertIntoSchemaRefused(live, OPERATOR, "recovered_3", List.of("inventory.item"), "AT-RESTORE-011",
                "extension citext");

        // and a dry run that would pass changes nothing either
        String other = liveDatabase("live_dry_run");
        List<String> before = inventory(other);
        Map<String, Object> dryRun = request(StagingResource.GENERIC, other, OPERATOR, null);
        dryRun.put("tables", List.of("ledger.entry"));
        dryRun.put("intoSchema", "recovered");
        dryRun.put("dryRun", true);
        JsonNode done = restore(dryRun);
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("dry-run-passed");
        assertThat(done.path("steps").toString()).contains("would restore exactly:", "TABLE ledger.entry",
                "TRIGGER ledger.entry entry_touch");
        assertThat(inventory(other)).isEqualTo(before);
    }

    @Test
    void aChoiceTheBackupCannotServeIsRefusedOrABadRequest() throws Exception {
        verifiedBackup(StagingResource.GENERIC);
        String target = "no_such_table_" + System.nanoTime();
        Map<String, Object> missing = request(StagingResource.GENERIC, target, OPERATOR, "central");
        missing.put("tables", List.of("ledger.Entry"));
        JsonNode done = restore(missing);
        assertThat(done.path("reason").asText()).as(done.toString()).isEqualTo("AT-RESTORE-008");
        assertThat(done.path("message").asText()).contains("no table ledger.Entry");
        assertThat(exists(target)).isFalse();

        Map<String, Object> bad = request(StagingResource.GENERIC, target, OPERATOR, null);
        bad.put("tables", List.of("entry"));
        bad.put("intoSchema", "Recovered");
        HttpResponse<String> response = post(bad);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("SCHEMA.TABLE", "intoSchema: a new schema's name in lower case");
    }

    private void assertIntoSchemaRefused(String live, String role, String schema, List<String> tables, String reason,
            String why) throws Exception {
        List<String> before = inventory(live);
        Map<String, Object> request = request(StagingResource.GENERIC, live, role, null);
        request.put("tables", tables);
        request.put("intoSchema", schema);
        JsonNode done = restore(request);
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("refused");
        assertThat(done.path("reason").asText()).as(done.toString()).isEqualTo(reason);
        assertThat(done.path("message").asText()).contains(why, "nothing on the target was changed");
        assertThat(inventory(live)).isEqualTo(before);
    }

    /** A running copy of the generic application's database, in which the operator role may create schemas. */
    private String liveDatabase(String prefix) {
        String name = prefix + "_" + System.nanoTime();
        postgres.psql("postgres", "CREATE DATABASE " + name);
        postgres.psql(name, StagingResource.GENERIC_SCHEMA + "GRANT USAGE ON SCHEMA inventory, ledger TO " + OPERATOR + ";");
        postgres.psql("postgres", "GRANT CREATE ON DATABASE " + name + " TO " + OPERATOR);
        return name;
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(restores.resolve(path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> pgRestoreList(java.nio.file.Path archive) throws Exception {
        Process list = new ProcessBuilder(TestServers.postgres().binDir().resolve("pg_restore").toString(), "--list",
                archive.toString()).redirectErrorStream(true).start();
        List<String> lines = new String(list.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                .lines().filter(line -> !line.isBlank() && !line.startsWith(";")).toList();
        assertThat(list.waitFor()).isZero();
        return lines;
    }

    private void assertRefused(Map<String, Object> request, String target, String reason, String why) throws Exception {
        Map<String, String> before = contents(target);
        List<String> inventoryBefore = inventory(target);
        JsonNode done = restore(request);
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("refused");
        assertThat(done.path("reason").asText()).isEqualTo(reason);
        assertThat(done.path("message").asText()).contains(why, "nothing on the target was changed");
        assertThat(contents(target)).isEqualTo(before);
        assertThat(inventory(target)).isEqualTo(inventoryBefore);
    }

    private Map<String, Object> request(String database, String target, String role, String nodeRole) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("database", database);
        request.put("backup", "last-known-good");
        request.put("targetHost", postgres.host());
        request.put("targetPort", postgres.port());
        request.put("targetUser", role);
        request.put("targetPassword", PASSWORD);
        request.put("targetDatabase", target);
        request.put("nodeRole", nodeRole);
        return request;
    }

    private JsonNode restore(Map<String, Object> request) throws Exception {
        HttpResponse<String> started = post(request);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String id = new ObjectMapper().readTree(started.body()).path("restoreId").asText();
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofMinutes(2)).until(() -> {
            HttpResponse<String> progress = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(restores + "/" + id)).header("Authorization", "Bearer " + ApiTokens.operator()).GET().build(), HttpResponse.BodyHandlers.ofString());
            last[0] = new ObjectMapper().readTree(progress.body());
            return !List.of("queued", "running").contains(last[0].path("state").asText());
        });
        return last[0];
    }

    private HttpResponse<String> post(Map<String, Object> body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(restores).header("Authorization", "Bearer " + ApiTokens.operator()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(EventJson.write(body))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private StandardToolBackups.Made verifiedBackup(String database) throws Exception {
        StandardToolBackups.Made made = StandardToolBackups.stored(database, store, layout, connector);
        await().atMost(Duration.ofSeconds(90)).until(() -> events.ofType(RestoreVerified.TYPE).stream()
                .anyMatch(m -> m.getPayload().contains(made.backupId())));
        events.clear();
        return made;
    }

    private String emptyTarget(String prefix) {
        String name = prefix + "_" + System.nanoTime();
        postgres.psql("postgres", "CREATE DATABASE " + name + " OWNER " + OPERATOR);
        return name;
    }

    private boolean exists(String database) {
        return !postgres.psql("postgres", "SELECT 1 FROM pg_database WHERE datname = '" + database + "'").isEmpty();
    }

    /** Each table's content (md5 of its rows in order) and the large objects', by name. */
    private Map<String, String> contents(String database) throws Exception {
        Map<String, String> hashes = new TreeMap<>();
        try (Connection c = connect(database, PostgresServer.SUPERUSER, postgres.password()); Statement st = c.createStatement()) {
            for (String table : new InventoryReader(c, InventoryReader.Exclusions.NONE).read(Map.of(), List.of()).tables()) {
                try (ResultSet rs = st.executeQuery("SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) "
                        + "FROM " + table + " t")) {
                    rs.next();
                    hashes.put(table, rs.getString(1));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT md5(coalesce(string_agg(oid::text || ':' || encode(lo_get(oid), "
                    + "'hex'), ',' ORDER BY oid), '')) FROM pg_largeobject_metadata")) {
                rs.next();
                hashes.put("large objects", rs.getString(1));
            }
        }
        return hashes;
    }

    /** The database's inventory with every row sampled, as text to compare. */
    private List<String> inventory(String database) throws Exception {
        return inventory(database, null);
    }

    /** The same, leaving out whatever is named with {@code prefix} (a schema restored beside the rest). */
    private List<String> inventory(String database, String prefix) throws Exception {
        try (Connection c = connect(database, PostgresServer.SUPERUSER, postgres.password())) {
            InventoryReader reader = new InventoryReader(c, InventoryReader.Exclusions.NONE);
            org.amyterm.backup.contracts.Inventory all = reader.read(reader.sequences(), new RowSampler(c)
                    .take(reader.primaryKeys(), 1, Duration.ofMinutes(1)));
            if (prefix == null) {
                return List.of(all.toString());
            }
            java.util.function.Predicate<String> kept = name -> !name.startsWith(prefix);
            Map<String, String> sequences = new TreeMap<>();
            all.sequences().forEach((name, value) -> {
                if (kept.test(name)) {
                    sequences.put(name, value);
                }
            });
            return List.of(new org.amyterm.backup.contracts.Inventory(all.tables().stream().filter(kept).toList(),
                    all.views().stream().filter(kept).toList(), all.indexes().stream().filter(kept).toList(),
                    all.constraints().stream().filter(kept).toList(), sequences,
                    all.functions().stream().filter(kept).toList(), all.triggers().stream().filter(kept).toList(),
                    all.largeObjects(), all.samples().stream().filter(x -> kept.test(x.table())).toList()).toString());
        }
    }

    private Connection connect(String database, String user, String password) throws Exception {
        Properties login = new Properties();
        login.setProperty("user", user);
        login.setProperty("password", password);
        return new org.postgresql.Driver().connect(postgres.jdbcUrl(database), login);
    }
}
