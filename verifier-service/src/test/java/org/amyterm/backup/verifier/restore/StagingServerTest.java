package org.amyterm.backup.verifier.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.testsupport.PostgresServer;
import org.amyterm.backup.testsupport.TestServers;
import org.amyterm.backup.verifier.verify.StagingResource;
import org.junit.jupiter.api.Test;

/** Staging databases on a real PostgreSQL: one per attempt, and what a killed attempt leaves goes in time. */
@QuarkusTest
@QuarkusTestResource(StagingResource.class)
class StagingServerTest {
    @Inject
    StagingServer staging;

    private final PostgresServer postgres = TestServers.postgres();

    @Test
    void twoAttemptsAtOneBackupGetTwoDatabasesAndAKilledAttemptsIsDroppedOnceOlderThanAnyAttempt() throws Exception {
        // Given two attempts at one backup (two replicas after a rebalance)
        String backupId = BackupId.of(Instant.now(), "staging-" + System.nanoTime());
        String first = staging.databaseFor(backupId);
        String second = staging.databaseFor(backupId);
        assertThat(first).isNotEqualTo(second).hasSizeLessThanOrEqualTo(63);

        // and a database a killed attempt made eight hours ago, beside one being restored into now
        String killed = first.replaceFirst("_\\d{10}_", "_" + Instant.now().minus(Duration.ofHours(8)).getEpochSecond() + "_");
        staging.create(killed);
        staging.create(second);

        // When the verifier starts, Then only the old one is dropped (the restore timeout here is 6 h)
        assertThat(staging.dropLeftovers(Instant.now())).contains(killed).doesNotContain(second);
        assertThat(exists(killed)).isFalse();
        assertThat(exists(second)).isTrue();
        staging.drop(second);
    }

    private boolean exists(String database) {
        return !postgres.psql("postgres", "SELECT 1 FROM pg_database WHERE datname = '" + database + "'").isEmpty();
    }
}
