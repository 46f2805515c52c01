package org.amyterm.backup.dumper.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.dumper.dump.SourceDatabaseResource;
import org.amyterm.backup.messaging.RecordedEvents;
import org.amyterm.backup.testsupport.ApiTokens;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One idempotency key, one backup: however often and however late it is sent, and across restarts. */
@QuarkusTest
class IdempotencyTest {
    private static final String DATABASE = SourceDatabaseResource.DATABASE;

    @Inject
    BackupRequests requests;

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @TestHTTPResource("/backups")
    URI backups;

    private RecordedEvents events;

    @BeforeEach
    void recordEvents() {
        events = new RecordedEvents(connector.sink("events"));
    }

    @Test
    void aKeyRetriedASecondAndTenMinutesLaterAndAfterARestartGivesOneBackup() {
        // Given a request with an idempotency key
        String key = "deploy-42-" + UUID.randomUUID();
        Instant first = Instant.now();
        BackupRequests.Outcome made = requests.request(DATABASE, BackupReason.PRE_UPGRADE, "pipeline", key, first);
        assertThat(made.repeated()).isFalse();

        // When it is sent again a second and ten minutes later (the clock passed in), and read by a
        // restarted service (a fresh reader of the keys' topic)
        BackupRequests.Outcome second = requests.request(DATABASE, BackupReason.PRE_UPGRADE, "pipeline", key,
                first.plusSeconds(1));
        BackupRequests.Outcome later = requests.request(DATABASE, BackupReason.PRE_UPGRADE, "pipeline", key,
                first.plus(Duration.ofMinutes(10)));
        RequestKeys.Entry afterRestart;
        try (RequestKeys restarted = new RequestKeys(kafka)) {
            afterRestart = restarted.find(DATABASE, key, Duration.ofSeconds(60)).orElseThrow();
        }

        // Then every answer is the first request, published once
        assertThat(second.repeated()).isTrue();
        assertThat(second.request()).isEqualTo(made.request());
        assertThat(later.request()).isEqualTo(made.request());
        assertThat(afterRestart.request()).isEqualTo(made.request());
        assertThat(afterRestart.published()).isTrue();
        assertThat(published(made.request().backupId())).isEqualTo(1);
        // and the same key for another database is another backup
        assertThat(requests.request(SourceDatabaseResource.MISSING, BackupReason.MANUAL, "pipeline", key).request()
                .backupId()).isNotEqualTo(made.request().backupId());
    }

    @Test
    void aKeyRecordedByAServiceThatStoppedBeforePublishingIsPublishedByTheRetry() {
        // Given a key recorded just before a crash: its request never reached the topic
        BackupRequested lost = BackupRequested.of(DATABASE, BackupReason.MANUAL, "cli", "lost-" + UUID.randomUUID(),
                Instant.now());
        try (RequestKeys crashed = new RequestKeys(kafka)) {
            crashed.find(DATABASE, lost.idempotencyKey(), Duration.ofSeconds(60));
            crashed.remember(lost, false);
        }

        // When the caller retries, once this service has read the key
        BackupRequests.Outcome retried = Awaitility.await().atMost(Duration.ofSeconds(30)).until(
                () -> requests.request(DATABASE, BackupReason.MANUAL, "cli", lost.idempotencyKey()),
                BackupRequests.Outcome::repeated);

        // Then the recorded request is the answer, and it is published now, once
        assertThat(retried.request()).isEqualTo(lost);
        assertThat(published(lost.backupId())).isEqualTo(1);
    }

    @Test
    void aRepeatedPostAnswers200WithTheFirstRequest() throws Exception {
        String body = "{\"database\":\"" + DATABASE + "\",\"idempotencyKey\":\"rest-" + UUID.randomUUID() + "\"}";
        HttpResponse<String> first = post(body);
        HttpResponse<String> again = post(body);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(EventJson.read(again.body(), BackupRequested.class))
                .isEqualTo(EventJson.read(first.body(), BackupRequested.class));
    }

    private long published(String backupId) {
        return events.ofType(BackupRequested.TYPE).stream().filter(m -> m.getPayload().contains(backupId)).count();
    }

    private HttpResponse<String> post(String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(backups).header("Authorization", "Bearer " + ApiTokens.operator()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
