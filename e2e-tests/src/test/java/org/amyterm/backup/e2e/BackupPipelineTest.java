package org.amyterm.backup.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.Topics;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.RestoreVerified;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.contracts.Verification;
import org.amyterm.backup.testsupport.Runbook;
import org.amyterm.backup.testsupport.ServerProcess;
import org.amyterm.backup.testsupport.TestDirs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.s3.S3Client;

/** One backup through the four services, as an operator runs it: CLI in, evidence and webhook out. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupPipelineTest {
    private static final ObjectLayout LAYOUT = new ObjectLayout("amyterm");
    private static Pipeline pipeline;

    @BeforeAll
    static void startPipeline() {
        pipeline = Pipeline.get();
    }

    @Test
    @Order(1)
    void backupIsEncryptedStoredRestoredCheckedAndReported() throws Exception {
        // Given the sample Amy-Term database and the running services
        // When a deployment pipeline takes a pre-upgrade backup and waits for its verification (the gate)
        String[] gate = {"backup", Pipeline.DATABASE, "--reason", "pre-upgrade", "--wait", "verified", "--json",
                "--idempotency-key", "upgrade-2.4.0-" + java.util.UUID.randomUUID()};
        Pipeline.CliRun run = pipeline.cli(gate);

        // Then the CLI reports a verified backup
        assertThat(run.exit()).as(run.err()).isZero();
        BackupSummary backup = EventJson.read(run.out(), BackupSummary.class);
        assertThat(backup.state()).isEqualTo(BackupSummary.State.VERIFIED);
        String objectKey = backup.manifest().object().key();
        assertThat(objectKey).isEqualTo(LAYOUT.dumpKey(Pipeline.DATABASE, backup.backupId()));

        // and the object in the bucket is ciphertext, not a readable dump
        Path work = TestDirs.server("e2e-" + backup.backupId());
        Path encrypted = work.resolve("dump.pgcustom.zst.gpg");
        try (S3Client s3 = pipeline.s3Client(); InputStream in = s3.getObject(b -> b.bucket(Pipeline.BUCKET).key(objectKey))) {
            Files.copy(in, encrypted);
        }
        byte[] ciphertext = Files.readAllBytes(encrypted);
        assertThat(new String(ciphertext, 0, 5, StandardCharsets.ISO_8859_1)).isNotEqualTo("PGDMP");
        assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1)).doesNotContain("federation_node", "PGDMP");
        assertThat(sha256(encrypted)).isEqualTo(backup.manifest().object().sha256());

        // and gpg verifies the manifest's signature as the storage service's
        Path manifest = work.resolve(ObjectLayout.MANIFEST_FILE);
        Path signature = work.resolve(ObjectLayout.MANIFEST_SIGNATURE_FILE);
        try (S3Client s3 = pipeline.s3Client()) {
            s3.getObject(b -> b.bucket(Pipeline.BUCKET).key(LAYOUT.manifestKey(Pipeline.DATABASE, backup.backupId())), manifest);
            s3.getObject(b -> b.bucket(Pipeline.BUCKET).key(LAYOUT.manifestSignatureKey(Pipeline.DATABASE,
                    backup.backupId())), signature);
        }
        pipeline.key.gpg("--import", pipeline.signingKey.publicKey().toString());
        assertThat(pipeline.key.gpg("--status-fd", "1", "--verify", signature.toString(), manifest.toString()))
                .contains("VALIDSIG " + pipeline.signingKey.fingerprint());

        // and gpg with the operator's key, then zstd, gives back the pg_dump archive of the manifest
        Path compressed = work.resolve("dump.pgcustom.zst");
        Path archive = work.resolve("dump.pgcustom");
        pipeline.key.gpg("--output", compressed.toString(), "--decrypt", encrypted.toString());
        ServerProcess.run(List.of("zstd", "-q", "-d", "-f", compressed.toString(), "-o", archive.toString()), Map.of(),
                work, Duration.ofMinutes(2));
        assertThat(sha256(archive)).isEqualTo(backup.manifest().archive().sha256());
        String toc = ServerProcess.run(List.of(pipeline.postgres.binDir().resolve("pg_restore").toString(), "--list",
                archive.toString()), Map.of(), work, Duration.ofMinutes(1));
        assertThat(toc).contains("TABLE public concept", "TABLE DATA public federation_trust");

        // and the evidence is in the bucket and passed, with the row counts of the dump
        String evidenceKey = LAYOUT.verificationKey(Pipeline.DATABASE, backup.backupId());
        try (S3Client s3 = pipeline.s3Client()) {
            Verification evidence = EventJson.read(s3.getObjectAsBytes(b -> b.bucket(Pipeline.BUCKET).key(evidenceKey))
                    .asUtf8String(), Verification.class);
            assertThat(evidence.passed()).isTrue();
            assertThat(evidence.checks()).anySatisfy(c -> {
                assertThat(c.name()).isEqualTo("row-counts");
                assertThat(c.passed()).isTrue();
            });
            assertThat(evidence.restoreMillis()).isPositive();
        }
        assertThat(storedManifest(Pipeline.DATABASE, backup.backupId()).tableRowCounts())
                .containsEntry("public.federation_node", 3L);
        assertThat(backup.tables().rows()).isPositive();

        // and the webhook received the verification
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(webhookEvents(RestoreVerified.TYPE))
                .anySatisfy(body -> assertThat(body).contains(backup.backupId(), "\"passed\":true")));

        // and the spool holds nothing of it any more
        assertThat(spoolFiles()).noneMatch(name -> name.startsWith(backup.backupId()));

        // and list and show name it
        Pipeline.CliRun list = pipeline.cli("list", Pipeline.DATABASE);
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains(backup.backupId(), "VERIFIED");
        Pipeline.CliRun show = pipeline.cli("show", backup.backupId());
        assertThat(show.out()).contains("PASSED", objectKey);
        Pipeline.CliRun status = pipeline.cli("status");
        assertThat(status.out()).contains(Pipeline.DATABASE, backup.backupId());

        // and the pipeline step retried with its key passes on the same backup, taking no other, even
        // after the backup service was killed and started again
        Pipeline.CliRun retried = pipeline.cli(gate);
        assertThat(retried.exit()).as(retried.err()).isZero();
        assertThat(EventJson.read(retried.out(), BackupSummary.class).backupId()).isEqualTo(backup.backupId());
        pipeline.kill("backup-service");
        pipeline.startAgain("backup-service");
        Pipeline.CliRun afterRestart = pipeline.cli(gate);
        assertThat(afterRestart.exit()).as(afterRestart.err()).isZero();
        assertThat(EventJson.read(afterRestart.out(), BackupSummary.class).backupId()).isEqualTo(backup.backupId());
        assertThat(backup.manifest().reason()).isEqualTo(org.amyterm.backup.contracts.BackupReason.PRE_UPGRADE);
        assertThat(backup.verification().checks()).extracting(c -> c.name()).contains("check-profile",
                "vacuum-analyze", "row-counts", "inventory", "sampled-rows", "schema-version", "app-codesystems",
                "app-valuesets", "app-fhir-metadata", "app-atc-browser");
        assertThat(backup.verification().firstSmokeCheckMillis()).isPositive();

        // and a retention dry run keeps it (and everything else this young)
        Pipeline.CliRun retention = pipeline.cli("retention", "--dry-run", "--json");
        assertThat(retention.exit()).as(retention.err()).isZero();
        assertThat(retention.out()).contains("\"dryRun\":true", backup.backupId(), "keep:last-known-good")
                .doesNotContain("would-delete");
    }

    @Test
    @Order(2)
    void backupOfSeveralPartsIsUploadedWhileDumpedThenRestoredAndChecked() throws Exception {
        // Given a database whose compressed dump needs at least three multipart parts
        // When an operator takes a backup of it and waits for its verification
        Pipeline.CliRun run = pipeline.cli("backup", Pipeline.LARGE_DATABASE, "--wait", "verified", "--json");

        // Then it was stored in several parts, restored and checked
        assertThat(run.exit()).as(run.err()).isZero();
        BackupSummary backup = EventJson.read(run.out(), BackupSummary.class);
        assertThat(backup.state()).isEqualTo(BackupSummary.State.VERIFIED);
        assertThat(backup.manifest().object().bytes()).isGreaterThanOrEqualTo(3L * Pipeline.PART_SIZE);
        assertThat(backup.verification().checks()).allSatisfy(c -> assertThat(c.passed()).as(c.name()).isTrue());
        assertThat(storedManifest(Pipeline.LARGE_DATABASE, backup.backupId()).tableRowCounts())
                .containsEntry("public.attachment", (long) Pipeline.ATTACHMENTS);
        // and nothing of it is left in progress, on the spool, or in staging
        try (S3Client s3 = pipeline.s3Client()) {
            assertThat(s3.listMultipartUploads(b -> b.bucket(Pipeline.BUCKET)).uploads()).isEmpty();
        }
        assertThat(spoolFiles()).noneMatch(name -> name.startsWith(backup.backupId()));
        assertThat(pipeline.postgres.psql("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'amyterm_verify_%'"))
                .isEqualTo("0");
    }

    @Test
    @Order(3)
    void passwordAppearsInNoCommandLineLogEventOrManifest() throws Exception {
        // Given a watcher of every process's command line
        CommandLineWatcher watcher = CommandLineWatcher.start(pipeline.backupPassword);
        Pipeline.CliRun run;
        try {
            // When a backup runs through to verification
            run = pipeline.cli("backup", Pipeline.DATABASE, "--wait", "verified");
        } finally {
            watcher.stop();
        }
        assertThat(run.exit()).as(run.err()).isZero();

        // Then no command line seen during the backup held the password (pg_dump's among them)
        assertThat(watcher.processesSeen()).isGreaterThan(0);
        assertThat(watcher.sawPgDump()).as("the watcher saw pg_dump running").isTrue();
        assertThat(watcher.leaks()).isEmpty();

        // and the roles stored with the backup, decrypted, name the backup role but hold no password
        String backupId = backupIdIn(run.out());
        Path roles = TestDirs.server("e2e-globals-" + backupId).resolve("globals.sql");
        Path encryptedRoles = roles.resolveSibling(ObjectLayout.GLOBALS_FILE);
        try (S3Client s3 = pipeline.s3Client()) {
            s3.getObject(b -> b.bucket(Pipeline.BUCKET).key(LAYOUT.globalsKey(Pipeline.DATABASE, backupId)), encryptedRoles);
        }
        pipeline.key.gpg("--output", roles.toString(), "--decrypt", encryptedRoles.toString());
        assertThat(Files.readString(roles)).contains("CREATE ROLE " + Pipeline.BACKUP_ROLE);

        // and no file the servers wrote holds it: service and server logs, Kafka's stored events,
        // everything in the bucket (manifests, evidence) and the decrypted roles
        SecretScan scan = SecretScan.of(TestDirs.servers(), pipeline.backupPassword);
        assertThat(scan.filesScanned()).isGreaterThan(10);
        assertThat(scan.scanned()).anyMatch(p -> p.endsWith("backup-service.log"))
                .anyMatch(p -> p.endsWith(ObjectLayout.MANIFEST_FILE))
                .anyMatch(p -> p.toString().contains("backup.completed"))
                .contains(roles);
        assertThat(scan.filesContainingSecret()).isEmpty();
        // (the same scan does find what events and manifests do hold: it would see a leak)
        assertThat(SecretScan.of(TestDirs.servers(), backupId).filesContainingSecret())
                .anyMatch(p -> p.toString().contains("backup.completed"))
                .anyMatch(p -> p.endsWith(ObjectLayout.MANIFEST_FILE));
    }

    @Test
    @Order(4)
    void wrongPasswordFailsTheDumpAlertsAndStoresNothing() throws Exception {
        // Given the source server no longer accepts the backup service's password
        pipeline.setBackupPassword("changed-" + System.nanoTime());
        try {
            // When an operator takes a backup
            Pipeline.CliRun run = pipeline.cli("backup", Pipeline.DATABASE, "--wait", "stored");

            // Then the CLI fails, naming the stage and the reason
            assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
            assertThat(run.err()).contains("stage dump", FailureReason.SOURCE_AUTH_FAILED.code());
            String backupId = backupIdIn(run.out());

            // and the webhook received a StageFailed for the dump stage
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(webhookEvents(StageFailed.TYPE))
                    .anySatisfy(body -> {
                        StageFailed failed = EventJson.read(EventJson.read(body, Map.class).get("event") instanceof Map<?, ?> m
                                ? EventJson.write(m) : "", StageFailed.class);
                        assertThat(failed.backupId()).isEqualTo(backupId);
                        assertThat(failed.stage()).isEqualTo(Stage.DUMP);
                        assertThat(failed.retryable()).isFalse();
                    }));

            // and the CLI lists the alert, and an operator acknowledges it there
            String alertId = "dump-failed/" + Pipeline.DATABASE;
            await().pollInterval(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(60))
                    .until(() -> pipeline.cli("alerts").out().contains(alertId));
            Pipeline.CliRun ack = pipeline.cli("alerts", "ack", alertId, "--why", "rotating the backup role's password");
            assertThat(ack.exit()).as(ack.err()).isZero();
            assertThat(ack.out()).contains("alert " + alertId + " acknowledged");
            assertThat(pipeline.cli("alerts").out()).contains("by alice.operator@example.org: rotating the backup role's password");
            Pipeline.CliRun unknown = pipeline.cli("alerts", "resolve", "dump-failed/nothing-here", "--why", "test");
            assertThat(unknown.exit()).isEqualTo(6);
            assertThat(unknown.err()).contains("no alert dump-failed/nothing-here is open");

            // and neither a dump object nor a manifest was written, and the spool is clean
            try (S3Client s3 = pipeline.s3Client()) {
                List<String> keys = s3.listObjectsV2Paginator(b -> b.bucket(Pipeline.BUCKET)
                        .prefix(LAYOUT.backupFolder(Pipeline.DATABASE, backupId))).contents().stream()
                        .map(o -> o.key()).toList();
                assertThat(keys).noneMatch(k -> k.endsWith(ObjectLayout.DUMP_FILE) || k.endsWith(ObjectLayout.MANIFEST_FILE));
            }
            assertThat(spoolFiles()).noneMatch(name -> name.startsWith(backupId));
        } finally {
            pipeline.setBackupPassword(pipeline.backupPassword);
        }
    }

    @Test
    @Order(5)
    void malformedEventGoesToTheDeadLetterTopicRaisesAnAlertAndTheConsumerCarriesOn() throws Exception {
        // Given an event on backup.completed that no storage service can read
        String marker = "garbage-" + System.nanoTime();
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.kafka.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("backup.completed", Pipeline.DATABASE, "{\"not\": \"" + marker + "\"")).get();
        }

        // When a good backup follows
        Pipeline.CliRun run = pipeline.cli("backup", Pipeline.DATABASE, "--wait", "stored");

        // Then the storage service stored it, and the unreadable event became an alert, intact
        assertThat(run.exit()).as(run.err()).isZero();
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(pipeline.webhook.bodies())
                .anySatisfy(body -> assertThat(body).contains("dead-letter", "backup.completed.dlq", marker)));
    }

    @Test
    @Order(6)
    void storageServiceKilledMidUploadStoresTheBackupOnceAfterItIsStartedAgain() throws Exception {
        // Given a backup of several parts whose upload is in progress
        Pipeline.CliRun run = pipeline.cli("backup", Pipeline.LARGE_DATABASE);
        assertThat(run.exit()).as(run.err()).isZero();
        String backupId = backupIdIn(run.out());
        String folder = LAYOUT.backupFolder(Pipeline.LARGE_DATABASE, backupId);
        try (S3Client s3 = pipeline.s3Client()) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).until(() -> !s3
                    .listMultipartUploads(b -> b.bucket(Pipeline.BUCKET).prefix(folder)).uploads().isEmpty());

            // When the storage service is killed with SIGKILL (its upload in progress, or just completed
            // without a manifest: both are left to the restarted service), and started again
            pipeline.kill("storage-service");
            assertThat(s3.listObjectsV2(b -> b.bucket(Pipeline.BUCKET).prefix(folder)).contents())
                    .noneMatch(o -> o.key().endsWith(ObjectLayout.MANIFEST_FILE));
            pipeline.startAgain("storage-service");

            // Then the backup is stored exactly once: one object, its roles, its manifest and signature,
            // and the signed evidence of its restore test (its own file, and the current one; the
            // current one's signature is written last)
            String currentSignature = ObjectLayout.signatureKey(ObjectLayout.VERIFICATION_FILE);
            await().atMost(Duration.ofSeconds(180)).until(() -> s3.listObjectsV2(b -> b.bucket(Pipeline.BUCKET)
                    .prefix(folder)).contents().stream().anyMatch(o -> o.key().endsWith(currentSignature)));
            Verification evidence = EventJson.read(s3.getObjectAsBytes(b -> b.bucket(Pipeline.BUCKET)
                    .key(LAYOUT.verificationKey(Pipeline.LARGE_DATABASE, backupId))).asUtf8String(), Verification.class);
            String record = LAYOUT.verificationRecordKey(Pipeline.LARGE_DATABASE, backupId, evidence.verificationId())
                    .substring(folder.length());
            assertThat(s3.listObjectsV2(b -> b.bucket(Pipeline.BUCKET).prefix(folder)).contents())
                    .extracting(o -> o.key().substring(folder.length()))
                    .containsExactlyInAnyOrder(ObjectLayout.DUMP_FILE, ObjectLayout.GLOBALS_FILE,
                            ObjectLayout.MANIFEST_FILE, ObjectLayout.MANIFEST_SIGNATURE_FILE, record,
                            ObjectLayout.signatureKey(record), ObjectLayout.VERIFICATION_FILE, currentSignature);
            // and it restored and passed its checks
            assertThat(evidence.passed()).isTrue();
            // and the killed upload is swept: nothing is left in progress, nor on the spool
            await().atMost(Duration.ofSeconds(60)).until(() -> s3.listMultipartUploads(b -> b.bucket(Pipeline.BUCKET)
                    .prefix(folder)).uploads().isEmpty());
        }
        assertThat(spoolFiles()).noneMatch(name -> name.startsWith(backupId));
    }

    @Test
    @Order(7)
    void requestsProducedStraightOntoTheTopicThatMayNotRunAreRefusedAlertedAndNeverDumped() throws Exception {
        // Given requests written to backup.requests by something other than the backup service: for a
        // database not configured, for a name libpq would read as a connection string, and one two hours old
        Instant now = Instant.now();
        List<BackupRequested> refused = List.of(
                BackupRequested.of("payroll", BackupReason.MANUAL, "intruder", "k1-" + now, now),
                BackupRequested.of("dbname=" + Pipeline.DATABASE + " host=127.0.0.1", BackupReason.MANUAL, "intruder",
                        "k2-" + now, now),
                BackupRequested.of(Pipeline.DATABASE, BackupReason.MANUAL, "replay", "k3-" + now,
                        now.minus(Duration.ofHours(2))));
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.kafka.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (BackupRequested request : refused) {
                producer.send(new ProducerRecord<>("backup.requests", request.database(), EventJson.write(request))).get();
            }
        }

        // Then each is alerted with its reason, and none was dumped or stored
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(pipeline.webhook.bodies())
                .anySatisfy(body -> assertThat(body).contains(refused.get(0).backupId(), "AT-DUMP-006"))
                .anySatisfy(body -> assertThat(body).contains(refused.get(1).backupId(), "AT-DUMP-006"))
                .anySatisfy(body -> assertThat(body).contains(refused.get(2).backupId(), "AT-DUMP-007")));
        assertThat(spoolFiles()).noneMatch(name -> refused.stream().anyMatch(r -> name.startsWith(r.backupId())));
        try (S3Client s3 = pipeline.s3Client()) {
            assertThat(s3.listObjectsV2Paginator(b -> b.bucket(Pipeline.BUCKET)).contents().stream().map(o -> o.key()))
                    .noneMatch(key -> refused.stream().anyMatch(r -> key.contains(r.backupId())
                            && !key.endsWith(ObjectLayout.FAILURE_FILE)));
        }
    }

    @Test
    @Order(8)
    void aStoredObjectDamagedAfterItPassedFailsVerifyWithAnAlertAndStopsBeingLastKnownGood() throws Exception {
        // Given two verified backups of the database, the newer one the last known good
        Pipeline.CliRun older = pipeline.cli("backup", Pipeline.DATABASE, "--wait", "verified", "--json");
        assertThat(older.exit()).as(older.err()).isZero();
        String olderId = EventJson.read(older.out(), BackupSummary.class).backupId();
        // (the next backup's id must sort after it: ids are per second)
        await().atMost(Duration.ofSeconds(5)).until(() -> BackupId.of(Instant.now(), "next").substring(0, 16)
                .compareTo(olderId.substring(0, 16)) > 0);
        Pipeline.CliRun newer = pipeline.cli("backup", Pipeline.DATABASE, "--wait", "verified", "--json");
        assertThat(newer.exit()).as(newer.err()).isZero();
        BackupSummary damaged = EventJson.read(newer.out(), BackupSummary.class);
        assertThat(lastKnownGood()).isEqualTo(damaged.backupId());

        // When one byte of its stored object flips, and an operator verifies it again
        String key = damaged.manifest().object().key();
        try (S3Client s3 = pipeline.s3Client()) {
            byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(Pipeline.BUCKET).key(key)).asByteArray();
            bytes[bytes.length / 3] ^= 0x01;
            s3.putObject(b -> b.bucket(Pipeline.BUCKET).key(key), software.amazon.awssdk.core.sync.RequestBody.fromBytes(bytes));
        }
        Pipeline.CliRun verify = pipeline.cli("verify", damaged.backupId());

        // Then the verdict is a failed restore test, an alert goes out naming it, and the last known
        // good is the older backup
        assertThat(verify.exit()).as(verify.out() + verify.err()).isEqualTo(1);
        assertThat(verify.out()).contains("FAILED");
        assertThat(verify.err()).contains("failed its restore test");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(webhookEvents(StageFailed.TYPE))
                .anySatisfy(body -> assertThat(body).contains(damaged.backupId(), "verify")));
        assertThat(lastKnownGood()).isEqualTo(olderId);
        assertThat(pipeline.cli("status").out()).contains(damaged.backupId(), "VERIFICATION_FAILED", olderId);
    }

    @Test
    @Order(9)
    void restoreToLastKnownGoodGivesBackTheSourcesContentAndRefusesATargetThatIsNotEmpty() throws Exception {
        // Given the sample database's last known good backup, and a role on the target server that may create databases
        pipeline.postgres.psql("postgres", "CREATE ROLE amyterm_restorer LOGIN CREATEDB PASSWORD 'Rs-e2e-restorer'");
        String target = "amyterm_restored";
        String[] restore = {"restore", Pipeline.DATABASE, "--target-url", "postgresql://amyterm_restorer@"
                + pipeline.postgres.host() + ":" + pipeline.postgres.port(), "--target-db", target, "--node-role", "central"};
        Map<String, String> password = Map.of("PGPASSWORD", "Rs-e2e-restorer");

        // When the operator restores it, the password in the environment only
        Pipeline.CliRun restored = pipeline.cli(password, restore);

        // Then every step was printed, and each table's content is the source's
        assertThat(restored.exit()).as(restored.out() + restored.err()).isZero();
        assertThat(restored.out()).contains("its manifest signed by", "staging:", "restored in", "ok   row-counts",
                "restored " + target);
        assertThat(tableHashes(target)).isEqualTo(tableHashes(Pipeline.DATABASE)).isNotEmpty();
        // and RestoreCompleted is on its topic for the audit trail
        await().atMost(Duration.ofSeconds(60)).until(() -> !records(org.amyterm.backup.contracts.Topics.RESTORED,
                "\"targetDatabase\":\"" + target + "\"").isEmpty());

        // and the same restore again is refused (the target is no longer empty), with its exit code, changing nothing
        Map<String, String> before = tableHashes(target);
        Pipeline.CliRun again = pipeline.cli(password, restore);
        assertThat(again.exit()).as(again.err()).isEqualTo(10);
        assertThat(again.err()).contains("AT-RESTORE-001", "already holds", "nothing on the target was changed");
        assertThat(tableHashes(target)).isEqualTo(before);
        assertThat(restored.out() + restored.err() + again.out() + again.err()).doesNotContain("Rs-e2e-restorer");
    }

    @Test
    @Order(10)
    void aTableDamagedWhileTheApplicationRunsComesBackByTheRunbooksCommandsTouchingNothingElse() throws Exception {
        // Given the sample database, its application connected, and a table that lost rows since the last known good backup
        Map<String, String> intact = tableHashes(Pipeline.DATABASE);
        ProcessBuilder session = new ProcessBuilder(pipeline.postgres.binDir().resolve("psql").toString(), "-X", "-q",
                "-h", pipeline.postgres.host(), "-p", Integer.toString(pipeline.postgres.port()), "-U", "postgres",
                "-d", Pipeline.DATABASE).redirectErrorStream(true);
        session.environment().put("PGPASSWORD", pipeline.postgres.password());
        Process application = session.start();
        try {
            application.getOutputStream().write("SELECT 'connected';\n".getBytes());
            application.getOutputStream().flush();
            String lost = pipeline.postgres.psql(Pipeline.DATABASE, "WITH gone AS (DELETE FROM public.atc_code a "
                    + "WHERE NOT EXISTS (SELECT 1 FROM public.atc_code c WHERE c.parent_code = a.code) RETURNING 1) "
                    + "SELECT count(*) FROM gone");
            assertThat(Long.parseLong(lost)).isPositive();
            Map<String, String> environment = new java.util.HashMap<>(pipeline.cliEnvironment());
            environment.putAll(Map.of("DATABASE", Pipeline.DATABASE, "TABLE", "public.atc_code", "KEY", "code",
                    "TARGET_URL", "postgresql://postgres@" + pipeline.postgres.host() + ":" + pipeline.postgres.port(),
                    "PGPASSWORD", pipeline.postgres.password()));

            // When the operator follows the runbook's "a table was dropped or damaged", command for command
            java.nio.file.Path dir = java.nio.file.Files.createDirectories(TestDirs.server("runbook-table-damaged"));
            Runbook.Run run = Runbook.run(dir, TestDirs.repositoryRoot(), environment, "table-contents", "table-restore",
                    "table-compare", "table-copy-back");

            // Then each step did what the runbook says: listed the table, restored it beside the others, counted what the
            // live table lacks, and copied it back; the schema is gone and every table is as it was before the damage
            assertThat(run.exit()).as(run.output()).isZero();
            assertThat(run.output()).containsPattern("table\\s+public\\s+atc_code\\s+\\d[\\d,]*\\s+\\d+\\.\\d (KiB|MiB)");
            assertThat(run.output()).contains("schemas: public", "atc_code", "would restore exactly:",
                    "TABLE public.atc_code", "restored into schema recovered of " + Pipeline.DATABASE,
                    "only_in_backup", lost, "INSERT 0 " + lost, "DROP SCHEMA");
            assertThat(application.isAlive()).isTrue();
            assertThat(tableHashes(Pipeline.DATABASE)).isEqualTo(intact);
            assertThat(pipeline.postgres.psql(Pipeline.DATABASE, "SELECT count(*) FROM pg_namespace WHERE nspname = "
                    + "'recovered'")).isEqualTo("0");
            assertThat(run.output()).doesNotContain(pipeline.postgres.password());
        } finally {
            application.getOutputStream().close();
            application.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            application.destroy();
        }
        // and the restore is on its topic for the audit trail, as a restore of a subset into a schema, and status lists it
        await().atMost(Duration.ofSeconds(60)).until(() -> !records(org.amyterm.backup.contracts.Topics.RESTORED,
                "\"mode\":\"into-schema\"").isEmpty());
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(pipeline.cli("status").out()).contains(
                Pipeline.DATABASE + ": last restored ", "public.atc_code into schema recovered of " + Pipeline.DATABASE));
    }

    /** md5 of each user table's rows in a fixed order, by table. */
    private static Map<String, String> tableHashes(String database) {
        Map<String, String> hashes = new java.util.TreeMap<>();
        for (String table : pipeline.postgres.psql(database, "SELECT string_agg(quote_ident(schemaname) || '.' || "
                + "quote_ident(tablename), ' ' ORDER BY 1) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', "
                + "'information_schema')").split(" ")) {
            hashes.put(table, pipeline.postgres.psql(database, "SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY "
                    + "t::text), '')) FROM " + table + " t"));
        }
        return hashes;
    }

    /** The last known good backup of the sample database, as {@code status --json} says. */
    @Test
    @Order(13)
    void aBucketWriterWithoutAKeyMakesTheServicesTrustStoreOrReadNothing() throws Exception {
        // Given the last known good of the database whose newest backup passed, which the services wrote and verified themselves (the twin of the copy)
        String genuine = lastKnownGood(Pipeline.LARGE_DATABASE);
        String copied = BackupId.of(Instant.now().plus(Duration.ofDays(1)), "copied");
        String future = BackupId.of(Instant.now().plus(Duration.ofDays(365)), "pinned");
        String huge = BackupId.of(Instant.now(), "huge");
        String forged = BackupId.of(Instant.now(), "forged");
        try (S3Client s3 = pipeline.s3Client()) {
            try {
                // When someone with write access to the bucket (but no signing key) copies all its files,
                // signatures and evidence included, into a folder dated tomorrow, and writes a failure dated next year
                for (String file : new String[] {ObjectLayout.DUMP_FILE, ObjectLayout.MANIFEST_FILE,
                        ObjectLayout.MANIFEST_SIGNATURE_FILE, ObjectLayout.VERIFICATION_FILE,
                        ObjectLayout.VERIFICATION_FILE + ObjectLayout.SIGNATURE_SUFFIX}) {
                    String from = LAYOUT.backupFolder(Pipeline.LARGE_DATABASE, genuine) + file;
                    String to = LAYOUT.backupFolder(Pipeline.LARGE_DATABASE, copied) + file;
                    s3.copyObject(b -> b.sourceBucket(Pipeline.BUCKET).sourceKey(from)
                            .destinationBucket(Pipeline.BUCKET).destinationKey(to));
                }
                s3.putObject(b -> b.bucket(Pipeline.BUCKET).key(LAYOUT.failureKey(Pipeline.LARGE_DATABASE, future)),
                        software.amazon.awssdk.core.sync.RequestBody.fromString(EventJson.write(StageFailed.of(future,
                                Pipeline.LARGE_DATABASE, Stage.DUMP, FailureReason.DUMP_FAILED, "planted", Instant.now()))));
                // and plants a manifest of 1 GiB, and forges a BackupCompleted naming a file outside the spool
                long gib = 1L << 30;
                s3.putObject(b -> b.bucket(Pipeline.BUCKET).key(LAYOUT.manifestKey(Pipeline.LARGE_DATABASE, huge))
                        .contentLength(gib), software.amazon.awssdk.core.sync.RequestBody.fromContentProvider(
                                () -> new RepeatingInput(gib), gib, "application/json"));
                // and the 1 GiB manifest is untrusted without being read
                Pipeline.CliRun hugeShown = pipeline.cli("show", huge, "--json");
                assertThat(hugeShown.exit()).as(hugeShown.err()).isZero();
                assertThat(EventJson.read(hugeShown.out(), BackupSummary.class).untrusted()).singleElement().asString()
                        .contains("manifest.json", "over the cap");

                // Then the copy is listed as untrusted, saying why, with neither manifest nor evidence
                Pipeline.CliRun shown = pipeline.cli("show", copied, "--json");
                assertThat(shown.exit()).as(shown.err()).isZero();
                BackupSummary copy = EventJson.read(shown.out(), BackupSummary.class);
                assertThat(copy.manifest()).isNull();
                assertThat(copy.verification()).isNull();
                assertThat(copy.untrusted()).anySatisfy(why -> assertThat(why).contains("lies in the folder of backup " + copied));
                // and the last known good is still the genuine backup
                assertThat(lastKnownGood(Pipeline.LARGE_DATABASE)).isEqualTo(genuine);
                // and a retention dry run is held by neither the copy nor the failure dated next year
                Pipeline.CliRun retention = pipeline.cli("retention", "--dry-run", "--json");
                assertThat(retention.exit()).as(retention.err()).isZero();
                Map<String, String> rules = new java.util.HashMap<>();
                for (com.fasterxml.jackson.databind.JsonNode entry : new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(retention.out()).path("backups")) {
                    if (entry.path("database").asText().equals(Pipeline.LARGE_DATABASE)) {
                        rules.put(entry.path("backupId").asText(), entry.path("rule").asText());
                    }
                }
                assertThat(rules).containsEntry(copied, "keep:untrusted").containsEntry(future, "keep:untrusted")
                        .containsEntry(genuine, "keep:last-known-good")
                        .doesNotContainValue("hold:newest-failing");
                // When a BackupCompleted is forged naming a file outside the spool
                Path foreign = Files.writeString(TestDirs.server("e2e-foreign").resolve("foreign.sql"), "not a dump");
                pipeline.produceEvent(Topics.COMPLETED, new org.amyterm.backup.contracts.BackupCompleted(forged,
                        Pipeline.LARGE_DATABASE, BackupReason.MANUAL, org.amyterm.backup.contracts.NodeRole.CENTRAL,
                        foreign.toString(), 10, "a".repeat(64), 10, "a".repeat(64), "zstd", "16", "pg_dump 16", null,
                        Map.of(), Instant.now(), Instant.now(), null, null));

                // Then the forged dump is refused as outside the spool (a refusal, recorded in no folder:
                // EncryptingUploaderTest), its file stays, and nothing is stored for it
                await().atMost(Duration.ofSeconds(60)).until(() -> !records(Topics.FAILED, forged).isEmpty());
                assertThat(records(Topics.FAILED, forged)).singleElement().asString().contains("AT-STORE-008",
                        "outside the spool");
                assertThat(foreign).hasContent("not a dump");
                assertThat(s3.listObjectsV2(b -> b.bucket(Pipeline.BUCKET)
                        .prefix(LAYOUT.backupFolder(Pipeline.LARGE_DATABASE, forged))).contents())
                        .noneMatch(o -> o.key().endsWith(ObjectLayout.DUMP_FILE) || o.key().endsWith(ObjectLayout.MANIFEST_FILE));

                // When a stale replica's signature (the storage key's, but over another backup's manifest)
                // overwrites the genuine backup's
                String signatureKey = ObjectLayout.signatureKey(LAYOUT.manifestKey(Pipeline.LARGE_DATABASE, genuine));
                String staleSignature = s3.listObjectsV2Paginator(b -> b.bucket(Pipeline.BUCKET)
                        .prefix(LAYOUT.databasePrefix(Pipeline.LARGE_DATABASE))).contents().stream().map(o -> o.key())
                        .filter(k -> k.endsWith(ObjectLayout.MANIFEST_SIGNATURE_FILE) && !k.contains(genuine)
                                && !k.contains(copied)).findFirst().orElseThrow();
                byte[] ownSignature = s3.getObjectAsBytes(b -> b.bucket(Pipeline.BUCKET).key(signatureKey)).asByteArray();
                s3.copyObject(b -> b.sourceBucket(Pipeline.BUCKET).sourceKey(staleSignature)
                        .destinationBucket(Pipeline.BUCKET).destinationKey(signatureKey));
                try {
                    // Then the genuine backup is untrusted, saying why, is no longer the last known good, and
                    // retention keeps it
                    Pipeline.CliRun stale = pipeline.cli("show", genuine, "--json");
                    assertThat(stale.exit()).as(stale.err()).isZero();
                    assertThat(EventJson.read(stale.out(), BackupSummary.class).untrusted())
                            .anySatisfy(why -> assertThat(why).startsWith("manifest.json").contains("signature"));
                    assertThat(lastKnownGood(Pipeline.LARGE_DATABASE)).isNotEqualTo(genuine);
                    Pipeline.CliRun held = pipeline.cli("retention", "--dry-run", "--json");
                    assertThat(held.exit()).as(held.err()).isZero();
                    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(held.out()).path("backups"))
                            .filteredOn(entry -> entry.path("backupId").asText().equals(genuine))
                            .singleElement().satisfies(entry -> assertThat(entry.path("rule").asText())
                                    .isEqualTo("keep:untrusted"));
                } finally {
                    s3.putObject(b -> b.bucket(Pipeline.BUCKET).key(signatureKey),
                            software.amazon.awssdk.core.sync.RequestBody.fromBytes(ownSignature));
                }
                // and with its own signature back (its twin), it is the last known good again, nothing was lost
                assertThat(lastKnownGood(Pipeline.LARGE_DATABASE)).isEqualTo(genuine);
            } finally {
                // what was planted goes, so the shared pipeline's other tests see the bucket as the services left it
                for (String folder : List.of(LAYOUT.backupFolder(Pipeline.LARGE_DATABASE, copied),
                        LAYOUT.backupFolder(Pipeline.LARGE_DATABASE, future), LAYOUT.backupFolder(Pipeline.LARGE_DATABASE, huge),
                        LAYOUT.backupFolder(Pipeline.LARGE_DATABASE, forged))) {
                    s3.listObjectsV2Paginator(b -> b.bucket(Pipeline.BUCKET).prefix(folder)).contents()
                            .forEach(o -> s3.deleteObject(b -> b.bucket(Pipeline.BUCKET).key(o.key())));
                }
            }
        }
    }

    /** {@code length} bytes of JSON-looking text, made as they are read: a planted file too large to hold. */
    private static final class RepeatingInput extends InputStream {
        private final byte[] pattern = "{\"padding\":\"xxxxxxxxxxxxxxxx\"}\n".getBytes(StandardCharsets.US_ASCII);
        private long left;

        RepeatingInput(long length) {
            this.left = length;
        }

        @Override
        public int read() {
            return left-- > 0 ? pattern[(int) (left % pattern.length)] : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
                b[off + i] = pattern[(int) ((left - i) % pattern.length)];
            }
            left -= n;
            return n;
        }
    }

    private static String lastKnownGood() throws Exception {
        return lastKnownGood(Pipeline.DATABASE);
    }

    private static String lastKnownGood(String database) throws Exception {
        Pipeline.CliRun status = pipeline.cli("status", "--json");
        assertThat(status.exit()).as(status.err()).isZero();
        for (com.fasterxml.jackson.databind.JsonNode db : new com.fasterxml.jackson.databind.ObjectMapper().readTree(status.out())) {
            if (db.path("database").asText().equals(database)) {
                return db.path("lastKnownGood").path("backupId").asText();
            }
        }
        throw new AssertionError("no status for " + database + ": " + status.out());
    }

    @Test
    @Order(11)
    void notifierRestartedNeitherSendsAnOpenAlertAgainNorForgetsIt() throws Exception {
        // Given an open alert: a dump of the database failed
        String alertId = "dump-failed/" + Pipeline.DATABASE;
        produce(Topics.FAILED, Pipeline.DATABASE, EventJson.write(StageFailed.of(BackupId.of(Instant.now(), "probe"),
                Pipeline.DATABASE, Stage.DUMP, FailureReason.SOURCE_UNREACHABLE, "server down", Instant.now())));
        await().atMost(Duration.ofSeconds(60)).until(() -> lastAlert(alertId).contains("\"transition\":\"opened\""));
        // (and the webhook channel has recorded that it delivered it, as it does right after: only then is
        // what the webhook received all it will receive, a retried delivery included)
        await().atMost(Duration.ofSeconds(30)).until(() -> webhookChannelCaughtUp());
        int sent = alertBodies(alertId).size();

        // When the notifier is killed and started again
        pipeline.kill("notifier-service");
        pipeline.startAgain("notifier-service");

        // Then it knows the alert is open, and sends nothing again
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest openAlerts = Pipeline.authorisedGet("http://127.0.0.1:" + pipeline.notifierPort + "/alerts");
        await().atMost(Duration.ofSeconds(120)).until(() -> http.send(openAlerts,
                java.net.http.HttpResponse.BodyHandlers.ofString()).body().contains(alertId));
        // (a failure lists what the webhook received for the alert, with the count before the restart)
        await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(alertBodies(alertId)).as("webhook bodies of %s; %d before the restart", alertId, sent).hasSize(sent));

        // and the next backup resolves it: one more message
        Pipeline.CliRun run = pipeline.cli("backup", Pipeline.DATABASE, "--wait", "stored");
        assertThat(run.exit()).as(run.err()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> alertBodies(alertId).size() == sent + 1);
        assertThat(lastAlert(alertId)).contains("\"transition\":\"resolved\"");
    }

    @Test
    @Order(12)
    void brokerDownForNinetySecondsMidBackupDelaysItButItCompletesOnceAndNothingIsDeadLettered() throws Exception {
        // Given the dead-letter topics and the services' logs as they are, and an operator waiting for a backup of several parts
        long deadLettersBefore = deadLetterRecords();
        List<String> services = List.of("backup-service", "storage-service", "verifier-service", "notifier-service");
        Map<String, Long> logSizes = new java.util.HashMap<>();
        for (String service : services) {
            logSizes.put(service, Files.size(pipeline.logs.resolve(service + ".log")));
        }
        // and a session holding pg_authid, which every login to the source reads: the dump, once its spool
        // file is made, waits at its login until the broker is away, so it is announced during the outage
        org.amyterm.backup.testsupport.PostgresServer source = pipeline.postgres;
        Path held = pipeline.logs.resolve("login-holder.out");
        ProcessBuilder holderCommand = new ProcessBuilder(source.binDir().resolve("psql").toString(), "-X", "-q", "-At",
                "-h", source.host(), "-p", Integer.toString(source.port()), "-U",
                org.amyterm.backup.testsupport.PostgresServer.SUPERUSER, "-d", "postgres")
                .redirectErrorStream(true).redirectOutput(held.toFile());
        holderCommand.environment().put("PGPASSWORD", source.password());
        Process holder = holderCommand.start();
        java.io.Writer holding = new java.io.OutputStreamWriter(holder.getOutputStream(), StandardCharsets.UTF_8);
        holding.write("BEGIN;\nLOCK TABLE pg_catalog.pg_authid IN ACCESS EXCLUSIVE MODE;\nSELECT 'logins held';\n");
        holding.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(held).contains("logins held"));
        java.util.concurrent.CompletableFuture<Pipeline.CliRun> waiting = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> pipeline.cli("backup", Pipeline.LARGE_DATABASE, "--wait", "verified", "--timeout", "10m", "--json"));

        // When the broker stops while the dump waits at its login, for 90 s, and starts again
        String partial = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> spoolFiles().stream().filter(name -> name.endsWith(".partial")).findFirst(),
                        java.util.Optional::isPresent).orElseThrow();
        pipeline.kafka.stop();
        Instant stopped = Instant.now();
        assertThat(Files.readString(pipeline.logs.resolve("backup-service.log")))
                .as("pg_dump had not started when the broker stopped").doesNotContain("to " + pipeline.spool.resolve(partial));
        holding.write("ROLLBACK;\n\\q\n");
        holding.close();
        assertThat(holder.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        // Then the dump does not wait for the broker: it ends (its spool file complete, its snapshot on
        // the source released) while the broker is still away (main as of 7adb6c6 held it for the outage)
        await().atMost(Duration.ofSeconds(80)).pollInterval(Duration.ofMillis(100))
                .until(() -> !spoolFiles().contains(partial));
        System.out.printf("dump ended %d ms after the broker stopped%n",
                Duration.between(stopped, Instant.now()).toMillis());
        assertThat(spoolFiles()).contains(partial.substring(0, partial.length() - ".partial".length()));
        Duration rest = Duration.ofSeconds(90).minus(Duration.between(stopped, Instant.now()));
        await().pollDelay(rest).atMost(rest.plusSeconds(1)).until(() -> true);
        pipeline.kafka.startAgain();

        // Then the operator's --wait ends with the backup verified
        Pipeline.CliRun run = waiting.get(12, java.util.concurrent.TimeUnit.MINUTES);
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        BackupSummary backup = EventJson.read(run.out(), BackupSummary.class);
        assertThat(backup.state()).isEqualTo(BackupSummary.State.VERIFIED);
        // and it was stored once: one manifest, one BackupStored, and nothing went to a dead-letter topic
        try (S3Client s3 = pipeline.s3Client()) {
            assertThat(s3.listObjectsV2(b -> b.bucket(Pipeline.BUCKET).prefix("amyterm/")).contents().stream()
                    .map(o -> o.key()).filter(k -> k.contains(backup.backupId()) && k.endsWith("manifest.json"))).hasSize(1);
            assertThat(s3.listMultipartUploads(b -> b.bucket(Pipeline.BUCKET)).uploads()).isEmpty();
        }
        assertThat(records(org.amyterm.backup.contracts.Topics.STORED, backup.backupId())).hasSize(1);
        assertThat(deadLetterRecords()).isEqualTo(deadLettersBefore);
        assertThat(spoolFiles()).noneMatch(name -> name.startsWith(backup.backupId()));
        // and the clients' warnings about the broker were logged once a minute per cause, with a count, not
        // every second (a run before this measured 1,419 such lines in the notifier's log)
        for (String service : services) {
            byte[] log = Files.readAllBytes(pipeline.logs.resolve(service + ".log"));
            int from = (int) (long) logSizes.get(service);
            List<String> unreachable = new String(log, from, log.length - from, StandardCharsets.UTF_8).lines()
                    .filter(line -> line.contains("could not be established")).toList();
            assertThat(unreachable).as(service).anyMatch(line -> line.contains("more like it in the last"))
                    .hasSizeLessThan(200);
        }
    }

    /** The manifest as stored (the catalogue's copy sums the row counts up). */
    private static Manifest storedManifest(String database, String backupId) {
        try (S3Client s3 = pipeline.s3Client()) {
            return EventJson.read(s3.getObjectAsBytes(b -> b.bucket(Pipeline.BUCKET)
                    .key(LAYOUT.manifestKey(database, backupId))).asUtf8String(), Manifest.class);
        }
    }

    private static boolean exists(S3Client s3, String key) {
        return !s3.listObjectsV2(b -> b.bucket(Pipeline.BUCKET).prefix(key)).contents().isEmpty();
    }

    /** All records on the dead-letter topics ({@code *.dlq}) so far. */
    private static long deadLetterRecords() throws Exception {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.kafka.bootstrapServers());
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(config)) {
            List<String> topics = admin.listTopics().names().get().stream().filter(t -> t.endsWith(".dlq")).toList();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
            admin.describeTopics(topics).allTopicNames().get().values().forEach(t -> t.partitions().forEach(
                    p -> latest.put(new org.apache.kafka.common.TopicPartition(t.name(), p.partition()),
                            org.apache.kafka.clients.admin.OffsetSpec.latest())));
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    /** The records of {@code topic} that contain {@code text} (a backup id, say), read from the start. */
    private static List<String> records(String topic, String text) {
        Properties config = new Properties();
        config.put(org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.kafka.bootstrapServers());
        config.put(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG, "e2e-read-" + java.util.UUID.randomUUID());
        config.put(org.apache.kafka.clients.consumer.ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(config,
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<String> found = new java.util.ArrayList<>();
            // read until a few polls in a row bring nothing new once something was assigned
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                var batch = consumer.poll(Duration.ofMillis(500));
                batch.forEach(r -> {
                    if (r.value().contains(text)) {
                        found.add(r.value());
                    }
                });
                return !consumer.assignment().isEmpty() && batch.isEmpty()
                        && consumer.assignment().stream().allMatch(tp -> consumer.position(tp)
                                >= consumer.endOffsets(List.of(tp)).get(tp));
            });
            return found;
        }
    }

    private static String lastAlert(String alertId) {
        List<String> bodies = alertBodies(alertId);
        return bodies.isEmpty() ? "" : bodies.get(bodies.size() - 1);
    }

    /** Whether the webhook channel's committed offsets are at the end of backup.alerts. */
    private static boolean webhookChannelCaughtUp() throws Exception {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.kafka.bootstrapServers());
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(config)) {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets("notifier-webhook").partitionsToOffsetAndMetadata().get();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
            committed.keySet().forEach(p -> latest.put(p, org.apache.kafka.clients.admin.OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get();
            return !committed.isEmpty() && committed.entrySet().stream()
                    .allMatch(e -> e.getValue().offset() >= ends.get(e.getKey()).offset());
        }
    }

    private static List<String> alertBodies(String alertId) {
        return pipeline.webhook.bodies().stream().filter(b -> b.contains("\"alertId\":\"" + alertId + "\"")).toList();
    }

    /** A raw record on {@code topic}, without CloudEvents headers. */
    private static void produce(String topic, String key, String value) throws Exception {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.kafka.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    private static List<String> webhookEvents(String type) {
        return pipeline.webhook.bodies().stream().filter(b -> b.contains("\"eventType\":\"" + type + "\"")).toList();
    }

    private static List<String> spoolFiles() throws IOException {
        try (var files = Files.list(pipeline.spool)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static String backupIdIn(String cliOutput) {
        Matcher m = Pattern.compile("backup (\\d{8}T\\d{6}Z-[0-9a-f]{8}) of").matcher(cliOutput);
        assertThat(m.find()).as("a backup id in: " + cliOutput).isTrue();
        return m.group(1);
    }

    static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
