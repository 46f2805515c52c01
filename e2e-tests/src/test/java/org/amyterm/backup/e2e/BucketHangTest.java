package org.amyterm.backup.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.contracts.Topics;
import org.amyterm.backup.testsupport.KafkaBroker;
import org.amyterm.backup.testsupport.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A bucket that hangs for six minutes: S3Proxy frozen (SIGSTOP), so connections are accepted and
 * never answered, which is worse than a bucket that refuses them. Its name sorts it second, so one
 * of the end-to-end module's forks waits through the hang while the others run the other classes.
 */
class BucketHangTest {
    private static final Duration HANG = Duration.ofMinutes(6);
    private static final ObjectLayout LAYOUT = new ObjectLayout("amyterm");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static KafkaBroker broker;
    private static Pipeline pipeline;

    /**
     * A broker, bucket and services of its own: what the hang leaves (its alerts, a folder caught
     * while it was being written) must not be what a later class of this fork finds.
     */
    @BeforeAll
    static void startPipeline() {
        broker = KafkaBroker.start("kafka-hang");
        pipeline = Pipeline.started("e2e-hang", broker, Map.of());
    }

    @AfterAll
    static void stop() {
        Pipeline.stop(pipeline, broker);
    }

    @Test
    void sixMinutesOfAHungBucketLeaveEveryServiceReadyWithoutARestartAndLoseNothing() throws Exception {
        // Given a verified backup, and the services' processes as they are
        Pipeline.CliRun first = pipeline.cli("backup", Pipeline.DATABASE, "--wait", "verified", "--json");
        assertThat(first.exit()).as(first.err()).isZero();
        Map<String, Integer> readiness = readinessPorts();
        List<ServerProcess> before = List.copyOf(pipeline.services);
        String meanwhile = BackupId.of(Instant.now(), "bucket-hung");
        String during;
        AtomicInteger storageSaidBucket = new AtomicInteger();
        ServerProcess s3 = pipeline.s3.process();

        // When the bucket hangs for six minutes, a backup is requested and a failure reported meanwhile
        signal("STOP", s3);
        try {
            Pipeline.CliRun requested = pipeline.cli("backup", Pipeline.DATABASE, "--reason", "manual", "--json");
            assertThat(requested.exit()).as(requested.err()).isZero();
            during = EventJson.read(requested.out(), BackupRequested.class).backupId();
            pipeline.produceEvent(Topics.FAILED, StageFailed.of(meanwhile, Pipeline.DATABASE, Stage.DUMP,
                    FailureReason.DUMP_FAILED, "reported while the bucket hung", Instant.now()));
            Instant until = Instant.now().plus(HANG);
            await().pollInterval(Duration.ofSeconds(20)).atMost(HANG.plusMinutes(1)).until(() -> {
                if (readinessOf(pipeline.storagePort).matches("(?s)DOWN.*bucket.*")) {
                    storageSaidBucket.incrementAndGet();
                }
                return Instant.now().isAfter(until);
            });
        } finally {
            signal("CONT", s3);
        }

        // Then the storage service said meanwhile that it was not ready, naming the bucket
        assertThat(storageSaidBucket).as("times the storage service said the bucket is not ready").hasPositiveValue();
        // and within three minutes every service is ready again, none of them restarted
        for (Map.Entry<String, Integer> service : readiness.entrySet()) {
            await(service.getKey()).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> readinessOf(service.getValue()), "UP"::equals);
        }
        assertThat(pipeline.services).containsExactlyElementsOf(before).allMatch(ServerProcess::isAlive);
        try (S3Client s3Client = pipeline.s3Client()) {
            // and the failure reported during the hang is recorded
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> exists(s3Client, LAYOUT.failureKey(Pipeline.DATABASE, meanwhile)));
            // and the backup requested during the hang is stored and passes its restore test
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(5)).until(() -> {
                Pipeline.CliRun shown = pipeline.cli("show", during, "--json");
                return shown.exit() == 0
                        && EventJson.read(shown.out(), BackupSummary.class).state() == BackupSummary.State.VERIFIED;
            });
            // and the next failure is recorded too: the channel that records them lives on
            String after = BackupId.of(Instant.now(), "bucket-back");
            pipeline.produceEvent(Topics.FAILED, StageFailed.of(after, Pipeline.DATABASE, Stage.DUMP,
                    FailureReason.DUMP_FAILED, "reported after the bucket came back", Instant.now()));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> exists(s3Client, LAYOUT.failureKey(Pipeline.DATABASE, after)));
            for (String id : List.of(meanwhile, after)) {
                s3Client.listObjectsV2Paginator(b -> b.bucket(pipeline.bucket)
                        .prefix(LAYOUT.backupFolder(Pipeline.DATABASE, id))).contents()
                        .forEach(o -> s3Client.deleteObject(b -> b.bucket(pipeline.bucket).key(o.key())));
            }
        }
    }

    private static Map<String, Integer> readinessPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("backup-service", pipeline.backupPort);
        ports.put("storage-service", pipeline.storagePort);
        ports.put("verifier-service", pipeline.verifierPort);
        ports.put("notifier-service", pipeline.notifierPort);
        return ports;
    }

    /** "UP", or "DOWN" and the readiness answer, or "NO ANSWER": never waits more than 15 s. */
    private static String readinessOf(int port) {
        try {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/q/health/ready")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 ? "UP" : "DOWN " + answer.body();
        } catch (java.io.IOException e) {
            return "NO ANSWER";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "NO ANSWER";
        }
    }

    private static void signal(String signal, ServerProcess process) {
        ServerProcess.run(List.of("kill", "-" + signal, Long.toString(process.pid())), Map.of(), pipeline.logs,
                Duration.ofSeconds(10));
    }

    private static boolean exists(S3Client s3, String key) {
        return !s3.listObjectsV2(b -> b.bucket(pipeline.bucket).prefix(key)).contents().isEmpty();
    }
}
