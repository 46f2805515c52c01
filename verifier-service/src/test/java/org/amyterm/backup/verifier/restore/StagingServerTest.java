package org.amyterm.backup.verifier.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

        // and a database an attempt made eight hours ago, beside one being restored into now
        String old = first.replaceFirst("_\\d{10}_", "_" + Instant.now().minus(Duration.ofHours(8)).getEpochSecond() + "_");
        createUnclaimed(old);
        staging.create(second);

        // When the verifier sweeps, Then only the old one is dropped (the restore timeout here is 6 h)
        assertThat(staging.dropLeftovers(Instant.now())).contains(old).doesNotContain(second);
        assertThat(exists(old)).isFalse();
        assertThat(exists(second)).isTrue();
        staging.drop(second);
    }

    @Test
    void databaseOfAReplicaKilledMidRestoreIsDroppedByTheNextSweepWhileAClaimedOneStays() throws Exception {
        // Given two databases made two minutes ago: one another replica is restoring into (its claim
        // held by a session of its own), one whose replica was killed (its sessions, and so its claim, gone)
        String twoMinutesAgo = "_" + Instant.now().minus(Duration.ofMinutes(2)).getEpochSecond() + "_";
        String running = staging.databaseFor(BackupId.of(Instant.now(), "running-" + System.nanoTime()))
                .replaceFirst("_\\d{10}_", twoMinutesAgo);
        String killed = staging.databaseFor(BackupId.of(Instant.now(), "killed-" + System.nanoTime()))
                .replaceFirst("_\\d{10}_", twoMinutesAgo);
        createUnclaimed(running);
        createUnclaimed(killed);
        try (Connection otherReplica = staging.connect("postgres"); PreparedStatement claim = otherReplica.prepareStatement(
                "SELECT pg_advisory_lock(?, hashtext(?))")) {
            claim.setInt(1, StagingServer.CLAIMS);
            claim.setString(2, running);
            claim.execute();

            // When a replica sweeps
            List<String> dropped = staging.dropLeftovers(Instant.now());

            // Then the killed replica's database is gone and the running one stays
            assertThat(dropped).contains(killed).doesNotContain(running);
            assertThat(exists(killed)).isFalse();
            assertThat(exists(running)).isTrue();
        }
        // and once that replica is gone too, the next sweep drops its database as well
        assertThat(staging.dropLeftovers(Instant.now())).contains(running);
        assertThat(exists(running)).isFalse();
    }

    /** A staging database as an attempt makes it, whose claim has ended (its session closed). */
    private void createUnclaimed(String database) throws Exception {
        try (Connection c = staging.connect("postgres"); java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database + " TEMPLATE template0");
        }
    }

    private boolean exists(String database) {
        return !postgres.psql("postgres", "SELECT 1 FROM pg_database WHERE datname = '" + database + "'").isEmpty();
    }
}
