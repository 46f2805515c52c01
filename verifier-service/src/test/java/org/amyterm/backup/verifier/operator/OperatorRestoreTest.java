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

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    ObjectStore store;

    @Inject
    ObjectLayout layout;

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
        try (Connection c = connect(database, PostgresServer.SUPERUSER, postgres.password())) {
            InventoryReader reader = new InventoryReader(c, InventoryReader.Exclusions.NONE);
            return List.of(reader.read(reader.sequences(), new RowSampler(c).take(reader.primaryKeys(), 1,
                    Duration.ofMinutes(1))).toString());
        }
    }

    private Connection connect(String database, String user, String password) throws Exception {
        Properties login = new Properties();
        login.setProperty("user", user);
        login.setProperty("password", password);
        return new org.postgresql.Driver().connect(postgres.jdbcUrl(database), login);
    }
}
