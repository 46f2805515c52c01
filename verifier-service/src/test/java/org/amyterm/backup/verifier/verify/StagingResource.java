package org.amyterm.backup.verifier.verify;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import java.util.HashMap;
import java.util.Map;
import org.amyterm.backup.testsupport.CuttingRelay;
import org.amyterm.backup.testsupport.GpgKey;
import org.amyterm.backup.testsupport.PostgresServer;
import org.amyterm.backup.testsupport.S3ProxyServer;
import org.amyterm.backup.testsupport.SampleDatabase;
import org.amyterm.backup.testsupport.TestDirs;
import org.amyterm.backup.testsupport.TestServers;

/** A real PostgreSQL (source and staging), S3Proxy and a gpg key pair; Kafka channels in memory. */
public class StagingResource implements QuarkusTestResourceLifecycleManager {
    public static final String SOURCE = "verify_source";
    /** A database the sample generator did not make: checked with the generic profile. */
    public static final String GENERIC = "verify_generic";
    /** Amy-Term's sample with its schema_version emptied: the application cannot say which version it serves. */
    static final String NO_SCHEMA_VERSION = "verify_no_schema_version";
    public static final String BUCKET = "verifier-unit";
    /**
     * An inventory application: two schemas, an extension, a view, a function and its trigger, a
     * sequence, a large object and non-ASCII text; one table without a primary key.
     */
    public static final String GENERIC_SCHEMA = """
            CREATE EXTENSION citext;
            CREATE SCHEMA inventory;
            CREATE SCHEMA ledger;
            CREATE TABLE inventory.item (id int PRIMARY KEY, name text NOT NULL, label citext UNIQUE);
            CREATE TABLE inventory.movement (item int REFERENCES inventory.item, moved_at timestamptz, qty int);
            CREATE INDEX movement_item ON inventory.movement (item);
            CREATE TABLE ledger.entry (id bigserial PRIMARY KEY, item int NOT NULL REFERENCES inventory.item,
                amount numeric(12, 2) CHECK (amount <> 0), note text, booked_at timestamptz NOT NULL, scan oid,
                touched_at timestamptz);
            CREATE VIEW ledger.balance AS SELECT item, sum(amount) AS total FROM ledger.entry GROUP BY item;
            CREATE FUNCTION ledger.touch() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN NEW.touched_at := now(); RETURN NEW; END $$;
            CREATE TRIGGER entry_touch BEFORE UPDATE ON ledger.entry FOR EACH ROW EXECUTE FUNCTION ledger.touch();
            INSERT INTO inventory.item SELECT g, 'item ' || g, 'Label-' || g FROM generate_series(1, 3) g;
            INSERT INTO inventory.movement SELECT 1 + g % 3, now(), g FROM generate_series(1, 40) g;
            INSERT INTO ledger.entry (item, amount, note, booked_at)
                SELECT 1 + g % 3, g * 1.5, 'Grüße aus Zürich, 東京 ' || g, timestamptz '2026-01-01 00:00+01' + g * interval '1 hour'
                FROM generate_series(1, 300) g;
            UPDATE ledger.entry SET scan = lo_from_bytea(0, convert_to('scan of entry ' || id, 'UTF8')) WHERE id <= 2;
            """;
    static PostgresServer postgres;
    static S3ProxyServer s3;
    static CuttingRelay relay;
    /** The sample Amy-Term application, built before this module. */
    static final java.nio.file.Path SAMPLE_APP = java.nio.file.Path.of("..", "sample-app", "target", "amyterm-sample-app.jar")
            .toAbsolutePath().normalize();
    static GpgKey key;
    static GpgKey signingKey;
    /** The key backups are encrypted to after a rotation; {@link #key} is the old one, still held. */
    static GpgKey rotatedKey;
    /** The verifier's own key, which signs its evidence. */
    static GpgKey evidenceKey;
    /** Between the verifier and the staging server: cuts a connection as a stopped server or a failed network would. */
    static CuttingRelay stagingRelay;
    /** While a role of this name exists on the staging server, the generic database's own check pauses 30 s. */
    static final String SLOW_CHECKS = "amyterm_test_slow_checks";

    @Override
    public Map<String, String> start() {
        postgres = TestServers.postgres();
        s3 = TestServers.s3();
        if (key == null) {
            key = GpgKey.generate(TestDirs.server("verifier-key"));
            signingKey = GpgKey.generateSigning(TestDirs.server("verifier-trusted-signer"));
            rotatedKey = GpgKey.generate(TestDirs.server("verifier-rotated"));
            evidenceKey = GpgKey.generateSigning(TestDirs.server("verifier-evidence-signer"));
        }
        SampleDatabase.create(postgres, SOURCE, 800);
        SampleDatabase.create(postgres, NO_SCHEMA_VERSION, 100);
        postgres.psql(NO_SCHEMA_VERSION, "DELETE FROM schema_version");
        postgres.createDatabaseOnce(GENERIC, GENERIC_SCHEMA);
        Map<String, String> config = new HashMap<>();
        config.putAll(InMemoryConnector.switchIncomingChannelsToInMemory("backup-stored", "verification-requests"));
        config.putAll(InMemoryConnector.switchOutgoingChannelsToInMemory("events"));
        config.putAll(s3.storeConfig(BUCKET));
        // the verifier reaches S3Proxy through a relay that can break a download halfway
        if (relay == null) {
            relay = new CuttingRelay("127.0.0.1", s3.port());
        }
        config.put("amyterm.store.endpoint", "http://127.0.0.1:" + relay.port());
        // and the staging server through one that can cut pg_restore's connection halfway
        if (stagingRelay == null) {
            stagingRelay = new CuttingRelay(postgres.host(), postgres.port());
        }
        config.put("amyterm.verifier.staging.host", "127.0.0.1");
        config.put("amyterm.verifier.staging.port", Integer.toString(stagingRelay.port()));
        config.put("amyterm.verifier.staging.user", PostgresServer.SUPERUSER);
        // the test server is the sources' too: allowed here, as on a single-host demo
        config.put("amyterm.verifier.staging.allow-source-server", "true");
        config.put("amyterm.verifier.staging.password", postgres.password());
        config.put("amyterm.verifier.decryption.private-key-file", rotatedKey.secretKey() + "," + key.secretKey());
        config.put("amyterm.verifier.signing.public-key-files", signingKey.publicKey().toString());
        config.put("amyterm.verifier.evidence.signing-key-file", evidenceKey.secretKey().toString());
        config.put("amyterm.store.trust.evidence-key-files", evidenceKey.publicKey().toString());
        config.put("amyterm.verifier.evidence.instance", "verifier-test");
        // a test that could not run is retried quickly here
        config.put("amyterm.verifier.retry.window", "20s");
        config.put("amyterm.verifier.retry.initial-delay", "1s");
        config.put("amyterm.verifier.retry.max-delay", "2s");
        // KMS-envelope backups: the verifier's own principal, allowed kms:Decrypt only
        TestServers.kms().configureSdk(TestDirs.server("verifier-kms-sdk"));
        config.put("amyterm.verifier.decryption.kms.profile", org.amyterm.backup.testsupport.KmsServer.VERIFIER_PROFILE);
        config.put("amyterm.verifier.restore.pg-bin-dir", postgres.binDir().toString());
        // the sample's backups here carry no profile in their manifests (as backups made before profiles)
        config.put("amyterm.verifier.checks.default-profile", "amyterm");
        // the amyterm profile's smoke checks ask the sample application, started on each restored database
        config.put("amyterm.verifier.app.command", String.join(",",
                org.amyterm.backup.testsupport.TestJvm.command("-jar", SAMPLE_APP.toString())));
        // (it pauses while the role SLOW_CHECKS exists: a test then cuts the staging server mid-check)
        config.put("amyterm.verifier.checks.databases." + GENERIC + ".sql.items-present.query",
                "WITH pause AS (SELECT pg_sleep(CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + SLOW_CHECKS
                        + "') THEN 30 ELSE 0 END)) SELECT count(*) FROM inventory.item, pause");
        config.put("amyterm.verifier.checks.databases." + GENERIC + ".sql.items-present.expected", "3");
        // the operator's checks see the restored database as it will serve: vacuumed and analyzed
        config.put("amyterm.verifier.checks.databases." + GENERIC + ".sql.vacuumed-and-analyzed.query",
                "SELECT count(*) FROM pg_stat_user_tables WHERE last_vacuum IS NULL OR last_analyze IS NULL");
        config.put("amyterm.verifier.checks.databases." + GENERIC + ".sql.vacuumed-and-analyzed.expected", "0");
        return config;
    }

    @Override
    public void stop() {
        InMemoryConnector.clear();
    }
}
