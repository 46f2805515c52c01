package org.amyterm.backup.dumper.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.messaging.RecordedEvents;
import org.amyterm.backup.testsupport.PostgresServer;
import org.amyterm.backup.testsupport.TestDirs;
import org.amyterm.backup.testsupport.TestServers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Each database's own schedule, configured in the per-database form. */
@QuarkusTest
@TestProfile(BackupScheduleTest.EverySecondDatabases.class)
class BackupScheduleTest {
    @Inject
    @Any
    InMemoryConnector connector;

    @Test
    void eachScheduledDatabaseIsRequestedAtItsCronTimeAndAnOffOneNever() {
        RecordedEvents events = new RecordedEvents(connector.sink("events"));

        // Given two databases scheduled every two seconds and one whose schedule is off
        // When the schedules fire
        List<BackupRequested> requested = Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> events.ofType(BackupRequested.TYPE).stream()
                        .map(m -> EventJson.read(m.getPayload(), BackupRequested.class)).toList(),
                        l -> l.stream().map(BackupRequested::database).distinct().count() >= 2);

        // Then each scheduled database is requested with reason scheduled, and the one that is off is not
        assertThat(requested).extracting(BackupRequested::database).contains("sched_a", "sched_b")
                .doesNotContain("sched_off");
        assertThat(requested).allSatisfy(r -> {
            assertThat(r.reason()).isEqualTo(BackupReason.SCHEDULED);
            assertThat(r.requestedBy()).isEqualTo("schedule");
            assertThat(r.idempotencyKey()).startsWith("scheduled:" + r.database() + ":");
        });
    }

    /** Three databases on one server in the per-database form, two on a two-second cron. */
    public static class EverySecondDatabases implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            PostgresServer postgres = TestServers.postgres();
            Path secret = TestDirs.servers().resolve("schedule-test-password");
            try {
                Files.writeString(secret, postgres.password() + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Map<String, String> config = new HashMap<>();
            config.putAll(InMemoryConnector.switchIncomingChannelsToInMemory("backup-requests"));
            config.putAll(InMemoryConnector.switchOutgoingChannelsToInMemory("events"));
            config.put("amyterm.backup.servers.main.host", postgres.host());
            config.put("amyterm.backup.servers.main.port", Integer.toString(postgres.port()));
            config.put("amyterm.backup.servers.main.user", PostgresServer.SUPERUSER);
            config.put("amyterm.backup.servers.main.password-file", secret.toString());
            // the other tests' one-server form is configured too (their test resource applies to every test)
            for (String database : List.of("sched_a", "sched_b", "sched_off")) {
                config.put("amyterm.backup.databases." + database + ".server", "main");
            }
            config.put("amyterm.backup.databases.sched_a.schedule", "*/2 * * * * ?");
            config.put("amyterm.backup.databases.sched_b.schedule", "*/2 * * * * ?");
            config.put("amyterm.backup.databases.sched_off.schedule", "off");
            config.put("amyterm.backup.schedule.jitter", "1s");
            config.put("amyterm.backup.spool.dir", TestDirs.servers().resolve("schedule-spool").toString());
            config.put("amyterm.backup.dump.pg-bin-dir", postgres.binDir().toString());
            return config;
        }
    }
}
