package org.amyterm.backup.dumper.dump;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdInputStream;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.BackupStarted;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.NodeRole;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.messaging.RecordedEvents;
import org.amyterm.backup.testsupport.TestServers;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The backup service on a real PostgreSQL, with its Kafka channels in memory. */
@QuarkusTest
@QuarkusTestResource(SourceDatabaseResource.class)
class DumpRunnerTest {
    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    io.micrometer.core.instrument.MeterRegistry metrics;

    private RecordedEvents events;

    @BeforeEach
    void clearEvents() {
        events = new RecordedEvents(connector.sink("events"));
        events.clear();
    }

    @Test
    void requestedBackupIsSpooledWithTheChecksumsAndRowCountsOfTheDump() throws Exception {
        // Given a backup request for the sample database
        BackupRequested request = request(SourceDatabaseResource.DATABASE);

        // When it arrives on backup.requests
        connector.source("backup-requests").send(EventJson.write(request));

        // Then a BackupCompleted is published as a CloudEvent keyed by the database
        Message<String> message = events.awaitMessage(BackupCompleted.TYPE);
        BackupCompleted completed = EventJson.read(message.getPayload(), BackupCompleted.class);
        OutgoingCloudEventMetadata<?> ce = message.getMetadata(OutgoingCloudEventMetadata.class).orElseThrow();
        assertThat(ce.getSubject()).contains(SourceDatabaseResource.DATABASE);
        assertThat(ce.getSource().toString()).isEqualTo("urn:amyterm-backup:backup-service");
        assertThat(message.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow().getKey())
                .isEqualTo(SourceDatabaseResource.DATABASE);

        // and the spool file is private, matches its checksum, and decompresses to the archive the event describes
        Path spool = Path.of(completed.spoolFile());
        assertThat(Files.getPosixFilePermissions(spool)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(spool.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(sha256(Files.newInputStream(spool))).isEqualTo(completed.spoolSha256());
        assertThat(Files.size(spool)).isEqualTo(completed.spoolBytes());
        byte[] archive;
        try (InputStream in = new ZstdInputStream(Files.newInputStream(spool))) {
            archive = in.readAllBytes();
        }
        assertThat(new String(archive, 0, 5)).isEqualTo("PGDMP");
        assertThat(archive.length).isEqualTo(completed.archiveBytes());
        assertThat(sha256(new java.io.ByteArrayInputStream(archive))).isEqualTo(completed.archiveSha256());

        // and before it, a BackupStarted named the partial file the dump was written to, for the storage service to follow
        List<Message<String>> published = List.copyOf(events.all());
        int started = indexOf(published, BackupStarted.TYPE, request.backupId());
        assertThat(started).isNotNegative().isLessThan(indexOf(published, BackupCompleted.TYPE, request.backupId()));
        BackupStarted announced = EventJson.read(published.get(started).getPayload(), BackupStarted.class);
        assertThat(announced.spoolFile()).isEqualTo(completed.spoolFile() + ".partial");
        assertThat(announced.compression()).isEqualTo(completed.compression());

        // and the recorded facts are the database's
        String concepts = TestServers.postgres().psql(SourceDatabaseResource.DATABASE, "SELECT count(*) FROM concept");
        assertThat(completed.tableRowCounts()).containsEntry("public.concept", Long.parseLong(concepts));
        // and each table's size on the source, by the same names, for a person choosing what to restore
        assertThat(completed.dumpDetails().tableBytes()).containsOnlyKeys(completed.tableRowCounts().keySet())
                .containsEntry("public.concept", Long.parseLong(TestServers.postgres().psql(SourceDatabaseResource.DATABASE,
                        "SELECT pg_total_relation_size('public.concept')")));
        assertThat(completed.nodeRole()).isEqualTo(NodeRole.CENTRAL);
        assertThat(completed.schemaVersion()).isEqualTo("2.3.1");
        assertThat(completed.pgDumpVersion()).startsWith("pg_dump (PostgreSQL)");
        assertThat(completed.backupId()).isEqualTo(request.backupId());
        // and how it was taken: the server, the options, the extensions and the roles it references
        assertThat(completed.dumpDetails()).satisfies(details -> {
            assertThat(details.server()).isEqualTo("default");
            assertThat(details.pgDumpOptions()).contains("--format=custom", "--no-owner").doesNotContain("--no-privileges")
                    .anyMatch(o -> o.startsWith("--lock-wait-timeout="))
                    .noneMatch(o -> o.contains("snapshot") || o.contains("host") || o.contains(SourceDatabaseResource.PASSWORD));
            assertThat(details.extensions()).anyMatch(e -> e.startsWith("plpgsql "));
            assertThat(details.roles()).contains("postgres");
            assertThat(details.checkProfile()).isEqualTo("generic");
            assertThat(details.retentionClass()).isEqualTo("daily");
            assertThat(details.rpo()).isEqualTo("PT26H");
        });
        // and the server's roles travel beside it, without any password
        Path globals = Path.of(completed.globals().spoolFile());
        assertThat(globals.getFileName().toString()).isEqualTo(completed.backupId() + ".globals.sql");
        assertThat(Files.getPosixFilePermissions(globals)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String roles = Files.readString(globals);
        assertThat(roles).contains("CREATE ROLE unit_backup").doesNotContain(SourceDatabaseResource.PASSWORD)
                .doesNotContainIgnoringCase("password '").doesNotContain("SCRAM-SHA-256$");
        assertThat(sha256(Files.newInputStream(globals))).isEqualTo(completed.globals().sha256());
        Files.delete(globals);
        // and the dump's time and size are in the metrics
        assertThat(metrics.find("amyterm.backup.dump.duration").tag("database", SourceDatabaseResource.DATABASE).timer())
                .isNotNull().satisfies(t -> assertThat(t.count()).isPositive());
        // and, as backup exporters name them, the last success's time and size, and nothing in progress
        assertThat(gauge("amyterm.backup.dump.last.success.timestamp")).isEqualTo(completed.finishedAt().getEpochSecond());
        assertThat(gauge("amyterm.backup.dump.last.size")).isEqualTo(completed.spoolBytes());
        assertThat(gauge("amyterm.backup.dump.last.duration")).isGreaterThan(0);
        assertThat(gauge("amyterm.backup.dumps.in.progress")).isZero();
        Files.delete(spool);
    }

    @Test
    void malformedRequestIsRejectedAndTheNextRequestStillRuns() {
        // Given a request that is not JSON
        connector.source("backup-requests").send("{ this is not a request");

        // When a good request follows
        BackupRequested request = request(SourceDatabaseResource.DATABASE);
        connector.source("backup-requests").send(EventJson.write(request));

        // Then the consumer is still alive and dumps it
        BackupCompleted completed = events.await(BackupCompleted.class, BackupCompleted.TYPE);
        assertThat(completed.backupId()).isEqualTo(request.backupId());
    }

    @Test
    void repeatedRequestIsDumpedOnce() throws Exception {
        // Given the same request delivered twice (a redelivery, or two replicas firing one schedule)
        BackupRequested request = request(SourceDatabaseResource.DATABASE);
        connector.source("backup-requests").send(EventJson.write(request));
        connector.source("backup-requests").send(EventJson.write(request));
        // and a different request after them, to know both were consumed
        BackupRequested next = request(SourceDatabaseResource.DATABASE);
        connector.source("backup-requests").send(EventJson.write(next));

        // Then there is one dump of each (requests run side by side: wait for both)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> events.ofType(BackupCompleted.TYPE).stream().anyMatch(m -> m.getPayload().contains(next.backupId()))
                        && events.ofType(BackupCompleted.TYPE).stream().anyMatch(m -> m.getPayload().contains(request.backupId())));
        assertThat(events.ofType(BackupCompleted.TYPE)).filteredOn(m -> m.getPayload().contains(request.backupId())).hasSize(1);
        for (var m : events.ofType(BackupCompleted.TYPE)) {
            BackupCompleted dumped = EventJson.read(m.getPayload(), BackupCompleted.class);
            Files.deleteIfExists(Path.of(dumped.spoolFile()));
            Files.deleteIfExists(Path.of(dumped.globals().spoolFile()));
        }
    }

    @Test
    void databaseMissingOnTheServerFailsTheDumpStagePermanently() {
        BackupRequested request = request(SourceDatabaseResource.MISSING);
        connector.source("backup-requests").send(EventJson.write(request));

        StageFailed failed = events.await(StageFailed.class, StageFailed.TYPE);
        assertThat(failed.stage()).isEqualTo(Stage.DUMP);
        assertThat(failed.reason()).isEqualTo(FailureReason.DATABASE_NOT_FOUND);
        assertThat(failed.retryable()).isFalse();
        assertThat(failed.message()).contains(SourceDatabaseResource.MISSING, "amyterm.backup.source.databases")
                .doesNotContain(SourceDatabaseResource.PASSWORD);
        assertThat(failed.backupId()).isEqualTo(request.backupId());
    }

    @Test
    void aDumpThatMayPassIsRetriedAndReportedOnceAsRetryingAndOnceAsGivenUp() {
        // Given a database whose server does not answer
        BackupRequested request = request(SourceDatabaseResource.UNREACHABLE);

        // When its request is consumed
        connector.source("backup-requests").send(EventJson.write(request));

        // Then one StageFailed says it is still retrying, and after the window one says it gave up
        List<StageFailed> failures = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> events.ofType(StageFailed.TYPE).stream()
                        .map(m -> EventJson.read(m.getPayload(), StageFailed.class))
                        .filter(f -> f.backupId().equals(request.backupId())).toList(), l -> l.size() >= 2);
        assertThat(failures).hasSize(2).allSatisfy(f -> {
            assertThat(f.reason()).isEqualTo(FailureReason.SOURCE_UNREACHABLE);
            assertThat(f.retryable()).isTrue();
        });
        assertThat(failures.get(0).stillRetrying()).isTrue();
        assertThat(failures.get(0).message()).contains("retrying until", "amyterm.backup.retry.window");
        assertThat(failures.get(1).stillRetrying()).isFalse();
        assertThat(failures.get(1).message()).containsPattern("gave up after \\d+ attempts");
        assertThat(events.ofType(BackupStarted.TYPE)).noneMatch(m -> m.getPayload().contains(request.backupId()));
    }

    @Test
    void aDatabaseWhoseServerIsDownDoesNotHoldUpAnother() throws Exception {
        // Given a request for a database whose server is down (retried for seconds here), then one for a healthy one
        BackupRequested down = request(SourceDatabaseResource.UNREACHABLE);
        BackupRequested healthy = request(SourceDatabaseResource.DATABASE);
        connector.source("backup-requests").send(EventJson.write(down));
        connector.source("backup-requests").send(EventJson.write(healthy));

        // Then the healthy one is dumped while the other is still being retried, and the other ends as failed
        BackupCompleted dumped = EventJson.read(org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> events.ofType(BackupCompleted.TYPE), l -> !l.isEmpty()).get(0).getPayload(),
                BackupCompleted.class);
        assertThat(dumped.backupId()).isEqualTo(healthy.backupId());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> events.ofType(StageFailed.TYPE)
                .stream().map(m -> EventJson.read(m.getPayload(), StageFailed.class))
                .anyMatch(f -> f.backupId().equals(down.backupId()) && !f.stillRetrying()));
        Files.deleteIfExists(Path.of(dumped.spoolFile()));
        Files.deleteIfExists(Path.of(dumped.globals().spoolFile()));
    }

    private double gauge(String name) {
        return metrics.get(name).tag("database", SourceDatabaseResource.DATABASE).gauge().value();
    }

    private static BackupRequested request(String database) {
        return BackupRequested.of(database, BackupReason.MANUAL, "test", UUID.randomUUID().toString(), Instant.now());
    }


    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (in) {
            byte[] buffer = new byte[65536];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static int indexOf(List<Message<String>> published, String type, String backupId) {
        for (int i = 0; i < published.size(); i++) {
            Message<String> m = published.get(i);
            boolean ofType = m.getMetadata(OutgoingCloudEventMetadata.class).map(ce -> ce.getType().equals(type)).orElse(false);
            if (ofType && m.getPayload().contains(backupId)) {
                return i;
            }
        }
        return -1;
    }
}
