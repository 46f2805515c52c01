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
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.ScheduleDeclared;
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
                        l -> l.stream().filter(r -> r.requestedBy().equals("schedule")).map(BackupRequested::database)
                                .toList().containsAll(List.of("sched_a", "sched_b")));

        // Then each scheduled database is requested with reason scheduled, and the one that is off is not
        assertThat(requested).extracting(BackupRequested::database).contains("sched_a", "sched_b")
                .doesNotContain("sched_off");
        assertThat(requested).allSatisfy(r -> {
            assertThat(r.reason()).isEqualTo(BackupReason.SCHEDULED);
            assertThat(r.requestedBy()).startsWith("schedule");
            assertThat(r.idempotencyKey()).startsWith("scheduled:" + r.database() + ":");
        });
    }

    @Test
    void aScheduledTimeMissedWhileTheServiceWasDownIsCaughtUpOnceAtStart() {
        RecordedEvents events = new RecordedEvents(connector.sink("events"));

        // Given a daily schedule whose last time passed before the service started (it never ran)
        // When the service started, Then that backup was requested at once, as a catch-up
        BackupRequested caughtUp = Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> requestsOf(events, "sched_daily"), l -> !l.isEmpty()).get(0);
        assertThat(caughtUp.requestedBy()).isEqualTo("schedule (catch-up)");
        assertThat(caughtUp.idempotencyKey()).startsWith("scheduled:sched_daily:").endsWith(":00Z");

        // and a second start requests it no more
        schedule.catchUp("sched_daily", DAILY, Instant.now());
        assertThat(requestsOf(events, "sched_daily")).hasSize(1);
    }

    @Test
    void theServiceDeclaresEveryDatabaseItIsConfiguredForScheduledOrNot() {
        RecordedEvents events = new RecordedEvents(connector.sink("events"));

        // Given four databases configured, one with its schedule off
        // When the service has started, Then it declares all four (the notifier alerts one that goes missing)
        ScheduleDeclared declared = events.await(ScheduleDeclared.class, ScheduleDeclared.TYPE);
        assertThat(declared.databases()).contains("sched_a", "sched_b", "sched_off", "sched_daily");
        assertThat(declared.service()).isEqualTo("backup-service");
        assertThat(events.awaitMessage(ScheduleDeclared.TYPE).getMetadata(
                io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata.class))
                .hasValueSatisfying(kafka -> assertThat(kafka.getKey()).isEqualTo("backup-service"));
    }

    @Test
    void theNextScheduledBackupOfEachDatabaseIsItsCronsNextTimeAtItsOffsetAndNoneWhenOff() {
        // Given a daily schedule at 03:00, two-second ones, one that is off; When asked at 02:00
        Instant now = java.time.ZonedDateTime.of(2026, 12, 7, 2, 0, 0, 0, java.time.ZoneId.systemDefault()).toInstant();
        Map<String, BackupSchedule.NextBackup> next = new HashMap<>();
        schedule.next(now).forEach(n -> next.put(n.database(), n));

        // Then the daily one is next requested at 03:00 plus its place in the jitter window, the others soon
        Instant threeOClock = now.plus(Duration.ofHours(1));
        assertThat(next.get("sched_daily").nextAt()).isEqualTo(threeOClock.plus(schedule.offset("sched_daily")));
        assertThat(next.get("sched_daily").cron()).isEqualTo(DAILY);
        assertThat(next.get("sched_a").nextAt()).isAfter(now).isBefore(now.plusSeconds(4));
        assertThat(next.get("sched_off").nextAt()).isNull();
        assertThat(next.get("sched_off").cron()).isNull();
    }

    @Inject
    BackupSchedule schedule;

    private static final String DAILY = "0 0 3 * * ?";

    private static List<BackupRequested> requestsOf(RecordedEvents events, String database) {
        return events.ofType(BackupRequested.TYPE).stream().map(m -> EventJson.read(m.getPayload(), BackupRequested.class))
                .filter(r -> r.database().equals(database)).toList();
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
            for (String database : List.of("sched_a", "sched_b", "sched_off", "sched_daily")) {
                config.put("amyterm.backup.databases." + database + ".server", "main");
            }
            config.put("amyterm.backup.databases.sched_a.schedule", "*/2 * * * * ?");
            config.put("amyterm.backup.databases.sched_b.schedule", "*/2 * * * * ?");
            config.put("amyterm.backup.databases.sched_off.schedule", "off");
            config.put("amyterm.backup.databases.sched_daily.schedule", DAILY);
            config.put("amyterm.backup.schedule.jitter", "1s");
            config.put("amyterm.backup.spool.dir", TestDirs.servers().resolve("schedule-spool").toString());
            config.put("amyterm.backup.dump.pg-bin-dir", postgres.binDir().toString());
            return config;
        }
    }
}
