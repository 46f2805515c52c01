package org.amyterm.backup.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.testsupport.KafkaBroker;
import org.amyterm.backup.testsupport.PostgresServer;
import org.amyterm.backup.testsupport.SampleDatabase;
import org.amyterm.backup.testsupport.ServerProcess;
import org.amyterm.backup.testsupport.TestServers;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Two replicas of every service share the work of several databases, and each survives the other
 * being killed (SIGKILL: no shutdown hook, no goodbye to its consumer group) in the middle of its
 * stage: every backup ends stored and verified exactly once, and nothing is left behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasTest {
    private static final List<String> SERVICES = List.of("backup-service", "storage-service", "verifier-service",
            "notifier-service");
    /** Partitions of the broker's topics (KafkaBroker's num.partitions). */
    private static final int PARTITIONS = 3;
    private static final ObjectLayout LAYOUT = new ObjectLayout("amyterm");
    private static KafkaBroker broker;
    private static Pipeline pipeline;
    private static List<String> databases;
    private static final Map<String, ServerProcess> seconds = new HashMap<>();
    private static S3Client bucket;

    /** What each stage logs when it starts and ends work on a backup: "<verb> <database> (backup <id>". */
    private static final Map<String, List<String>> STARTS = Map.of(
            "backup-service", List.of("dumping"),
            "storage-service", List.of("following the dump of", "storing"),
            "verifier-service", List.of("restoring"));
    private static final Map<String, List<String>> ENDS = Map.of(
            "backup-service", List.of("dumped"),
            "storage-service", List.of("stored"),
            "verifier-service", List.of("verified"));

    @BeforeAll
    static void startTwoReplicasOfEachService() {
        broker = KafkaBroker.start("kafka-replicas");
        PostgresServer postgres = TestServers.postgres();
        databases = databasesOverEveryPartition();
        for (String database : databases) {
            SampleDatabase.create(postgres, database, 2000);
            // about 13 MB that does not compress: each stage takes long enough to be killed in
            postgres.psql(database, "CREATE TABLE attachment (id int PRIMARY KEY, payload bytea NOT NULL);"
                    + " INSERT INTO attachment SELECT g, decode(string_agg(md5(random()::text || g || i), ''), 'hex')"
                    + " FROM generate_series(1, 8000) g, generate_series(1, 100) i GROUP BY g");
        }
        Map<String, Map<String, String>> extra = Map.of(
                "backup-service", Map.of("AMYTERM_BACKUP_SOURCE_DATABASES", String.join(",", databases)),
                // a killed replica's partitions move on within seconds, and its staging databases go soon
                "verifier-service", Map.of("KAFKA_SESSION_TIMEOUT_MS", "10000",
                        "AMYTERM_VERIFIER_STAGING_LEFTOVER_SWEEP", "5s"));
        pipeline = Pipeline.started("e2e-replicas", broker, Map.of(), extra);
        bucket = pipeline.s3Client();
        for (String service : SERVICES) {
            seconds.put(service, pipeline.startReplica(service, service + "-2.log"));
        }
    }

    @AfterAll
    static void stop() {
        if (bucket != null) {
            bucket.close();
        }
        Pipeline.stop(pipeline, broker);
    }

    @Test
    @Order(1)
    void everyBackupIsStoredAndVerifiedOnceThoughOneReplicaOfEachServiceIsKilledMidStage() throws Exception {
        // Given two replicas of each service and databases whose requests spread over every partition
        Map<String, String> requested = new java.util.concurrent.ConcurrentHashMap<>();
        Set<String> killed = new HashSet<>();
        pipeline.first("notifier-service").stop("KILL");
        killed.add("notifier-service");

        // When backups of every database are requested, round after round, and meanwhile the first
        // replica of each service is killed with SIGKILL as soon as it is in the middle of its stage
        java.util.concurrent.atomic.AtomicBoolean enough = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CompletableFuture<Void> requests = java.util.concurrent.CompletableFuture.runAsync(() -> {
            for (int round = 0; round < 4 && !enough.get(); round++) {
                for (String database : databases) {
                    // through the replica that lives on, as a Service in front of both would route
                    Pipeline.CliRun run = pipeline.cli(Map.of("AMYTERM_BACKUP_URL", "http://127.0.0.1:"
                            + pipeline.portOf(seconds.get("backup-service"))), "backup", database);
                    assertThat(run.exit()).as(run.err()).isZero();
                    Matcher id = Pattern.compile("backup (\\S+) of").matcher(run.out());
                    assertThat(id.find()).as(run.out()).isTrue();
                    requested.put(id.group(1), database);
                }
            }
        });
        // the replicas' logs are read often (a stage lasts a second or so), the bucket once a second
        java.time.Instant[] nextLook = {java.time.Instant.now()};
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (String service : STARTS.keySet()) {
                ServerProcess first = pipeline.first(service);
                if (!killed.contains(service) && midStage(first, service, requested.keySet())) {
                    first.stop("KILL");
                    killed.add(service);
                }
            }
            if (killed.size() == SERVICES.size()) {
                return true;
            }
            if (!requests.isDone() || java.time.Instant.now().isBefore(nextLook[0])) {
                return false;
            }
            nextLook[0] = java.time.Instant.now().plusSeconds(1);
            return allVerified(requested);
        });
        enough.set(true);
        requests.get(5, java.util.concurrent.TimeUnit.MINUTES);
        assertThat(killed).as("each first replica was caught in the middle of its stage").containsAll(SERVICES);

        // Then every backup ends verified
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> allVerified(requested));
        // exactly once: one dump, one manifest, one evidence record each, and no upload left open
        try (S3Client s3 = pipeline.s3Client()) {
            for (Map.Entry<String, String> backup : requested.entrySet()) {
                List<String> names = s3.listObjectsV2(b -> b.bucket(pipeline.bucket)
                        .prefix(LAYOUT.backupFolder(backup.getValue(), backup.getKey()))).contents().stream()
                        .map(S3Object::key).map(key -> key.substring(key.lastIndexOf('/') + 1)).toList();
                assertThat(names).as(backup.getKey()).contains("manifest.json", "verification.json")
                        .filteredOn(name -> name.startsWith("verification.") && name.endsWith(".json")
                                && !name.equals("verification.json")).hasSize(1);
                assertThat(names).filteredOn(name -> name.startsWith("dump.")).hasSize(1);
            }
            assertThat(s3.listMultipartUploads(b -> b.bucket(pipeline.bucket)).uploads()).isEmpty();
        }
        // and work was done by both replicas of each stage
        for (String service : STARTS.keySet()) {
            assertThat(startedWork(Files.readString(seconds.get(service).logFile(), StandardCharsets.UTF_8), service))
                    .as(service + " second replica").anyMatch(requested::containsKey);
        }
        // and nothing is left on the spool or in staging (the killed verifier's database is swept by the other)
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            try (var files = Files.list(pipeline.spool)) {
                assertThat(files.map(f -> f.getFileName().toString()))
                        .noneMatch(name -> requested.keySet().stream().anyMatch(name::startsWith));
            }
            String staging = pipeline.postgres.psql("postgres",
                    "SELECT string_agg(datname, ' ') FROM pg_database WHERE datname LIKE 'amyterm_verify_%'");
            assertThat(requested.keySet()).noneMatch(id -> staging.contains(id.toLowerCase(java.util.Locale.ROOT)
                    .replaceAll("[^a-z0-9_]", "_")));
        });
        // and no alert was opened twice
        Map<String, Long> openings = new HashMap<>();
        pipeline.webhook.bodies().stream().filter(b -> b.contains("\"transition\":\"opened\"")).forEach(body -> {
            Matcher alert = Pattern.compile("\"alertId\":\"([^\"]+)\"").matcher(body);
            if (alert.find()) {
                openings.merge(alert.group(1), 1L, Long::sum);
            }
        });
        assertThat(openings.values()).allMatch(count -> count == 1);
    }

    @Test
    @Order(2)
    void activeNotifierKilledDuringABurstOfFiftyFailuresHandsOverWithEachAlertOpenedOnceAndTheAuditChainIntact()
            throws Exception {
        // Given two notifier replicas alive (a third is started: the first may have been killed already), one active
        ServerProcess third = pipeline.startReplica("notifier-service", "notifier-service-3.log");
        Map<ServerProcess, Integer> notifiers = new HashMap<>();
        if (pipeline.first("notifier-service").isAlive()) {
            notifiers.put(pipeline.first("notifier-service"), pipeline.notifierPort);
        }
        notifiers.put(seconds.get("notifier-service"), pipeline.portOf(seconds.get("notifier-service")));
        notifiers.put(third, pipeline.portOf(third));
        ServerProcess active = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .until(() -> activeNotifiers(notifiers), list -> list.size() == 1).get(0);

        // When 50 databases fail their dump in a burst, and the active replica is killed (SIGKILL) a fifth of the way in
        String run = java.util.UUID.randomUUID().toString().substring(0, 6);
        List<String> alerts = new ArrayList<>();
        List<String> eventIds = new ArrayList<>();
        java.util.Properties producerConfig = new java.util.Properties();
        producerConfig.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(producerConfig,
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            for (int i = 0; i < 50; i++) {
                String database = "failover_" + run + "_" + i;
                org.amyterm.backup.contracts.StageFailed failed = org.amyterm.backup.contracts.StageFailed.of(
                        org.amyterm.backup.contracts.BackupId.of(java.time.Instant.now(), database), database,
                        org.amyterm.backup.contracts.Stage.DUMP, org.amyterm.backup.contracts.FailureReason.SOURCE_UNREACHABLE,
                        "the source server did not answer", java.time.Instant.now());
                String eventId = java.util.UUID.randomUUID().toString();
                var record = new org.apache.kafka.clients.producer.ProducerRecord<>(
                        org.amyterm.backup.contracts.Topics.FAILED, database,
                        org.amyterm.backup.contracts.EventJson.write(failed));
                record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
                record.headers().add("ce_id", eventId.getBytes(StandardCharsets.UTF_8));
                record.headers().add("ce_source", "urn:amyterm-backup:e2e-burst".getBytes(StandardCharsets.UTF_8));
                record.headers().add("ce_type", failed.cloudEventType().getBytes(StandardCharsets.UTF_8));
                record.headers().add("ce_subject", database.getBytes(StandardCharsets.UTF_8));
                producer.send(record).get();
                alerts.add("dump-failed/" + database);
                eventIds.add(eventId);
                if (i == 9) {
                    active.stop("KILL");
                }
            }
        }
        notifiers.remove(active);

        // Then another replica becomes the active one (the session timeout is 10 s here)
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .until(() -> activeNotifiers(notifiers), list -> list.size() == 1);
        // and every alert reaches the webhook, each opened once: one notice per alert (a delivery the killed
        // replica made but had not committed may come again with the same ce-id, which receivers drop), none reopened
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, Set<String>> opened = new HashMap<>();
            for (var request : pipeline.webhook.requests()) {
                Matcher alert = Pattern.compile("\"alertId\":\"([^\"]+)\"").matcher(request.body());
                if (alert.find() && alerts.contains(alert.group(1))) {
                    assertThat(request.body()).as(alert.group(1)).contains("\"transition\":\"opened\"")
                            .contains("\"revision\":1");
                    opened.computeIfAbsent(alert.group(1), k -> new HashSet<>()).add(request.headers().get("ce-id"));
                }
            }
            assertThat(opened.keySet()).containsExactlyInAnyOrderElementsOf(alerts);
            assertThat(opened.values()).allMatch(ids -> ids.size() == 1);
        });
        // and every replica alive tells the same last delivery of the webhook channel, whichever replica made it
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Set<String> told = new HashSet<>();
            for (int port : notifiers.values()) {
                var answer = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/alerts/deliveries"))
                        .header("Authorization", "Bearer " + org.amyterm.backup.testsupport.ApiTokens.viewer())
                        .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                for (var channel : new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer.body())) {
                    if (channel.path("channel").asText().equals("webhook")) {
                        told.add(channel.path("outcome").asText() + " " + channel.path("alertId").asText() + " at "
                                + channel.path("at").asText());
                    }
                }
            }
            assertThat(told).hasSize(1);
            assertThat(told.iterator().next()).startsWith("delivered ");
        });
        // and the audit trail holds each of the 50 events once, its chain unbroken across the takeover
        java.nio.file.Path trail = pipeline.logs.resolve("audit.jsonl");
        org.amyterm.backup.contracts.audit.AuditKey key = org.amyterm.backup.contracts.audit.AuditKey.fromFile(
                pipeline.logs.resolve("audit.key"));
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            List<String> lines = Files.readAllLines(trail);
            for (String eventId : eventIds) {
                assertThat(lines).as(eventId).filteredOn(line -> line.contains("\"id\":\"" + eventId + "\"")).hasSize(1);
            }
        });
        try (java.io.BufferedReader lines = Files.newBufferedReader(trail)) {
            var report = new org.amyterm.backup.contracts.audit.AuditTrailCheck(key, "notifier").check(lines, Map.of());
            assertThat(report.intact()).as(report.findings().toString()).isTrue();
        }
    }

    /** The notifier replicas that say they are active ({@code amyterm_notifier_active 1.0}). */
    private static List<ServerProcess> activeNotifiers(Map<ServerProcess, Integer> notifiers) {
        List<ServerProcess> active = new ArrayList<>();
        for (Map.Entry<ServerProcess, Integer> notifier : notifiers.entrySet()) {
            try {
                String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + notifier.getValue() + "/q/metrics")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                if (metrics.lines().anyMatch(line -> line.matches("amyterm_notifier_active(\\{[^}]*})? 1\\.0"))) {
                    active.add(notifier.getKey());
                }
            } catch (IOException e) {
                // not answering: not active
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return active;
    }

    /** Whether the replica's log shows work on one of these backups begun and not ended. */
    private static boolean midStage(ServerProcess replica, String service, Set<String> backups) throws IOException {
        String log = Files.readString(replica.logFile(), StandardCharsets.UTF_8);
        Set<String> ended = new HashSet<>();
        for (String verb : ENDS.get(service)) {
            Matcher end = Pattern.compile(Pattern.quote(verb) + " \\S+ \\(backup (\\S+?)[,)]").matcher(log);
            while (end.find()) {
                ended.add(end.group(1));
            }
        }
        return startedWork(log, service).stream().anyMatch(id -> backups.contains(id) && !ended.contains(id));
    }

    private static List<String> startedWork(String log, String service) {
        List<String> started = new ArrayList<>();
        for (String verb : STARTS.get(service)) {
            Matcher start = Pattern.compile(Pattern.quote(verb) + " \\S+ \\(backup (\\S+?)[,)]").matcher(log);
            while (start.find()) {
                started.add(start.group(1));
            }
        }
        return started;
    }

    private static boolean allVerified(Map<String, String> requested) {
        return requested.entrySet().stream().allMatch(b -> !bucket.listObjectsV2(r -> r.bucket(pipeline.bucket)
                .prefix(LAYOUT.verificationKey(b.getValue(), b.getKey()))).contents().isEmpty());
    }

    /** Four database names whose requests (keyed by database) land on every partition. */
    private static List<String> databasesOverEveryPartition() {
        List<String> names = new ArrayList<>();
        Set<Integer> covered = new HashSet<>();
        for (char c = 'a'; c <= 'z' && names.size() < 4; c++) {
            String name = "amyterm_rep_" + c;
            int partition = Utils.toPositive(Utils.murmur2(name.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
            if (covered.add(partition) || covered.size() == PARTITIONS) {
                names.add(name);
            }
        }
        return names;
    }
}
