package org.amyterm.backup.dumper.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.BackupStarted;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.dumper.dump.SourceDatabaseResource;
import org.amyterm.backup.messaging.RecordedEvents;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Requests written straight onto the topic, past the REST checks, on a real PostgreSQL. */
@QuarkusTest
@QuarkusTestResource(SourceDatabaseResource.class)
class RequestRefusalTest {
    @Inject
    @Any
    InMemoryConnector connector;

    @ConfigProperty(name = "amyterm.backup.spool.dir")
    Path spool;

    @Test
    void requestsThatMayNotRunAreRefusedWithAReasonAndNothingIsDumped() throws IOException {
        RecordedEvents events = new RecordedEvents(connector.sink("events"));
        events.clear();
        // Given requests for a database not configured here, for names libpq would read as a
        // connection string, and for the sample database but made two hours ago
        BackupRequested unconfigured = request("payroll", Instant.now());
        BackupRequested connectionString = request("dbname=" + SourceDatabaseResource.DATABASE + " host=127.0.0.1",
                Instant.now());
        BackupRequested uri = request("postgresql://unit_backup@127.0.0.1/" + SourceDatabaseResource.DATABASE,
                Instant.now());
        BackupRequested stale = request(SourceDatabaseResource.DATABASE, Instant.now().minus(Duration.ofHours(2)));
        // and, after them, a good request
        BackupRequested good = request(SourceDatabaseResource.DATABASE, Instant.now());

        // When they are consumed
        for (BackupRequested request : List.of(unconfigured, connectionString, uri, stale, good)) {
            connector.source("backup-requests").send(EventJson.write(request));
        }
        BackupCompleted dumped = events.await(BackupCompleted.class, BackupCompleted.TYPE);

        // Then only the good one was dumped; each other one was refused with its reason, not to be retried
        assertThat(dumped.backupId()).isEqualTo(good.backupId());
        List<String> ids = Stream.of(unconfigured, connectionString, uri, stale).map(BackupRequested::backupId).toList();
        List<StageFailed> failures = Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> events.ofType(StageFailed.TYPE).stream()
                        .map(m -> EventJson.read(m.getPayload(), StageFailed.class))
                        .filter(f -> ids.contains(f.backupId())).toList(), l -> l.size() == 4);
        assertThat(failures).extracting(StageFailed::backupId, StageFailed::reason).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(unconfigured.backupId(), FailureReason.REQUEST_REFUSED),
                org.assertj.core.groups.Tuple.tuple(connectionString.backupId(), FailureReason.REQUEST_REFUSED),
                org.assertj.core.groups.Tuple.tuple(uri.backupId(), FailureReason.REQUEST_REFUSED),
                org.assertj.core.groups.Tuple.tuple(stale.backupId(), FailureReason.REQUEST_STALE));
        assertThat(failures).allMatch(f -> !f.retryable());
        List<String> refused = ids;
        assertThat(Stream.concat(events.ofType(BackupStarted.TYPE).stream(), events.ofType(BackupCompleted.TYPE).stream()))
                .noneMatch(m -> refused.stream().anyMatch(m.getPayload()::contains));
        // and the spool holds no file of theirs
        try (Stream<Path> files = Files.list(spool)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> refused.stream()
                    .anyMatch(name::startsWith));
        }
        Files.deleteIfExists(Path.of(dumped.spoolFile()));
    }

    private static BackupRequested request(String database, Instant at) {
        return BackupRequested.of(database, BackupReason.MANUAL, "test", UUID.randomUUID().toString(), at);
    }
}
