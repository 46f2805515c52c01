package org.amyterm.backup.console;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.amyterm.backup.contracts.RestoreSubset;
import org.amyterm.backup.contracts.RestoreCompleted;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.DumpDetails;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.NodeRole;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Verification;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.S3ObjectStore;
import org.amyterm.backup.objectstore.S3Settings;
import org.amyterm.backup.objectstore.UploadSettings;
import org.amyterm.backup.testsupport.FreePort;
import org.amyterm.backup.testsupport.GpgKey;
import org.amyterm.backup.testsupport.S3ProxyServer;
import org.amyterm.backup.testsupport.TestDirs;
import org.amyterm.backup.testsupport.TestServers;

/**
 * A real bucket (S3Proxy) holding backups as the services leave them, each file signed by the keys
 * the console trusts: {@code healthy} (two verified backups), {@code failing} (verified, then a
 * backup whose restore test failed), {@code tampered} (verified, but its evidence edited after it
 * was signed), {@code copied} (another backup's signed evidence copied into its folder). The services the console asks are away (a closed port): the pages must say so.
 */
public class BucketWithBackups implements QuarkusTestResourceLifecycleManager {
    static final String BUCKET = "console-unit";
    static final ObjectLayout LAYOUT = new ObjectLayout("amyterm");
    static GpgKey signingKey;
    static GpgKey evidenceKey;
    static final Map<String, List<String>> BACKUPS = new HashMap<>();

    @Override
    public Map<String, String> start() {
        S3ProxyServer s3 = TestServers.s3();
        signingKey = GpgKey.generateSigning(TestDirs.server("console-signing-key"));
        evidenceKey = GpgKey.generateSigning(TestDirs.server("console-evidence-key"));
        Map<String, String> config = new HashMap<>();
        config.putAll(s3.storeConfig(BUCKET));
        // the console never makes the bucket: this resource does, as the storage service would
        config.put("amyterm.store.create-bucket", "false");
        config.put("amyterm.store.trust.manifest-key-files", signingKey.publicKey().toString());
        config.put("amyterm.store.trust.evidence-key-files", evidenceKey.publicKey().toString());
        String away = "http://127.0.0.1:" + FreePort.next();
        config.put("quarkus.rest-client.backup.url", away);
        config.put("quarkus.rest-client.storage.url", away);
        config.put("quarkus.rest-client.verifier.url", away);
        config.put("quarkus.rest-client.notifier.url", away);
        config.put("amyterm.console.session.secure-cookie", "false");
        try (S3ObjectStore store = S3ObjectStore.connect(new S3Settings(Optional.of(URI.create(s3.endpoint())), "us-east-1",
                BUCKET, true, new UploadSettings(S3Settings.MIN_PART_SIZE, 1, 2L * S3Settings.MIN_PART_SIZE, Duration.ofMinutes(1))))) {
            store.createBucketIfMissing();
            Instant now = Instant.now();
            BACKUPS.put("healthy", List.of(put(store, "healthy", now.minus(Duration.ofHours(30)), true, 41_000),
                    put(store, "healthy", now.minus(Duration.ofHours(6)), true, 43_000)));
            BACKUPS.put("failing", List.of(put(store, "failing", now.minus(Duration.ofHours(20)), true, 40_000),
                    put(store, "failing", now.minus(Duration.ofHours(2)), false, 12_000)));
            String tampered = put(store, "tampered", now.minus(Duration.ofHours(3)), true, 39_000);
            String key = LAYOUT.verificationKey("tampered", tampered);
            store.putText(key, store.getText(key).orElseThrow().replace("\"passed\" : true", "\"passed\" : false "));
            BACKUPS.put("tampered", List.of(tampered));
            // genuine, signed evidence of another backup, copied into this one's folder with its signature
            String copied = put(store, "copied", now.minus(Duration.ofHours(4)), true, 38_000);
            String genuine = LAYOUT.verificationKey("healthy", BACKUPS.get("healthy").get(1));
            String target = LAYOUT.verificationKey("copied", copied);
            store.putText(target, store.getText(genuine).orElseThrow());
            store.putText(ObjectLayout.signatureKey(target), store.getText(ObjectLayout.signatureKey(genuine)).orElseThrow());
            BACKUPS.put("copied", List.of(copied));
            // an operator brought one table of failing's older backup back into a schema, recorded and signed by the verifier
            String older = BACKUPS.get("failing").get(0);
            RestoreCompleted restored = new RestoreCompleted(older, "failing", "failing", NodeRole.CENTRAL,
                    "alice.operator@example.org", 2_400, List.of(CheckResult.pass("row-counts", "1 table")),
                    now.minus(Duration.ofHours(1)), new RestoreSubset(RestoreSubset.INTO_SCHEMA, List.of(),
                            List.of("public.concept"), List.of(), "recovered", List.of("public.concept"),
                            List.of("FK CONSTRAINT public.concept concept_code_system_id_fkey (needs TABLE "
                                    + "public.code_system, which is not restored)")));
            String record = LAYOUT.restoreRecordKey("failing", older, BackupId.of(restored.completedAt(), "restore-1"));
            String recordText = EventJson.writeForPeople(restored);
            store.putText(record, recordText);
            store.putText(ObjectLayout.signatureKey(record), evidenceKey.sign(recordText));
            // and a restore record nobody trusted signed: not listed
            RestoreCompleted forged = new RestoreCompleted(older, "failing", "elsewhere", NodeRole.CENTRAL, "mallory",
                    1, List.of(), now, null);
            String forgedKey = LAYOUT.restoreRecordKey("failing", older, BackupId.of(now, "restore-2"));
            store.putText(forgedKey, EventJson.writeForPeople(forged));
        }
        return config;
    }

    @Override
    public void stop() {
    }

    /** One backup's folder: the object, its signed manifest and, when tested, its signed evidence. */
    static String put(ObjectStore store, String database, Instant at, boolean passed, long restoreMillis) {
        String id = BackupId.of(at, database + at);
        Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, id, database, BackupReason.SCHEDULED, NodeRole.CENTRAL,
                "15.18", "pg_dump (PostgreSQL) 15.18", null, Map.of("public.concept", 1200L),
                new Manifest.Archive(Manifest.Archive.PG_DUMP_CUSTOM, "zstd", 2_244_000_000L, "a".repeat(64)),
                Manifest.Encryption.publicKey(Manifest.Encryption.AES256_SEIPD_MDC, List.of("F".repeat(40))),
                new Manifest.StoredObject(LAYOUT.dumpKey(database, id), 689_000_000L, "b".repeat(64)), at,
                at.plusSeconds(36), at.plusSeconds(37), new DumpDetails("default", List.of("--format=custom"), List.of(),
                        List.of(), "generic", "daily", "PT26H", "PT1M", null, at, at), null);
        store.putText(LAYOUT.dumpKey(database, id), "ciphertext");
        String manifestText = EventJson.writeForPeople(manifest);
        store.putText(LAYOUT.manifestKey(database, id), manifestText);
        store.putText(LAYOUT.manifestSignatureKey(database, id), signingKey.sign(manifestText));
        Verification evidence = new Verification(Verification.FORMAT_VERSION, id, database, passed, "staging_" + id,
                "pg_restore (PostgreSQL) 15.18", at.plusSeconds(40), at.plusSeconds(100), restoreMillis, 7_000,
                List.of(CheckResult.pass("row-counts", "1 table, row counts equal to the dump's"),
                        passed ? CheckResult.pass("sampled-rows", "content equal to the dump's")
                                : CheckResult.fail("sampled-rows", "3 rows differ from the dump's")))
                .naming(manifest.object().sha256());
        String evidenceText = EventJson.writeForPeople(evidence);
        store.putText(LAYOUT.verificationKey(database, id), evidenceText);
        store.putText(ObjectLayout.signatureKey(LAYOUT.verificationKey(database, id)), evidenceKey.sign(evidenceText));
        return id;
    }
}
