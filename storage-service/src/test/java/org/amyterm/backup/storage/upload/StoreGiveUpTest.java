package org.amyterm.backup.storage.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.StageFailed;
import org.junit.jupiter.api.Test;

/**
 * When storing cannot succeed: an outage longer than the retry window ends in a give-up alert, a
 * store that refuses the request alerts at once; the spool file is kept in both cases.
 */
@QuarkusTest
@QuarkusTestResource(StoreResource.class)
@TestProfile(StoreGiveUpTest.ShortWindowAndNoBucket.class)
class StoreGiveUpTest extends StorageServiceTest {

    /** A retry window of seconds, and a bucket that does not exist. */
    public static class ShortWindowAndNoBucket implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("amyterm.storage.retry.window", "5s",
                    "amyterm.store.bucket", "no-such-bucket",
                    "amyterm.store.create-bucket", "false");
        }
    }

    @Test
    void outageLongerThanTheWindowAlertsTwiceAndKeepsTheSpoolFile() {
        // Given a spooled dump, and the object store down for longer than the retry window
        BackupCompleted dump = Dumps.spooled(Dumps.randomBytes(1000));
        StoreResource.s3.stop();
        try {
            // When its BackupCompleted arrives
            send(dump);

            // Then a first alert says it is retrying, and a second that it gave up and kept the spool file
            await().atMost(Duration.ofSeconds(90)).until(() -> failures().size() == 2);
            StageFailed first = failures().get(0);
            StageFailed gaveUp = failures().get(1);
            assertThat(first.stillRetrying()).isTrue();
            assertThat(gaveUp.stillRetrying()).isFalse();
            assertThat(gaveUp.reason()).isEqualTo(FailureReason.STORE_UNAVAILABLE);
            assertThat(gaveUp.message()).contains("gave up after retrying for PT5S", "is kept", dump.spoolFile());
            assertThat(Path.of(dump.spoolFile())).exists();
            assertThat(events.ofType(BackupStored.TYPE)).isEmpty();
        } finally {
            StoreResource.s3.startAgain();
        }
    }

    @Test
    void storeThatRefusesTheRequestAlertsAtOnceWithoutRetryingAndKeepsTheSpoolFile() {
        // Given a spooled dump, and a store that answers but has no such bucket
        BackupCompleted dump = Dumps.spooled(Dumps.randomBytes(1000));

        // When its BackupCompleted arrives
        send(dump);

        // Then one alert says the store refused it, not retryable, and the spool file is kept
        await().atMost(Duration.ofSeconds(60)).until(() -> failures().size() == 1);
        StageFailed refused = failures().get(0);
        assertThat(refused.reason()).isEqualTo(FailureReason.STORE_REJECTED);
        assertThat(refused.retryable()).isFalse();
        assertThat(refused.stillRetrying()).isFalse();
        assertThat(refused.message()).contains("does the bucket exist?", "is kept");
        assertThat(Path.of(dump.spoolFile())).exists();
    }

    private java.util.List<StageFailed> failures() {
        return events.ofType(StageFailed.TYPE).stream().map(m -> EventJson.read(m.getPayload(), StageFailed.class))
                .toList();
    }
}
