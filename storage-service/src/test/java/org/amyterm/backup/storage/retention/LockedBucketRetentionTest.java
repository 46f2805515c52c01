package org.amyterm.backup.storage.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.storage.upload.StoreResource;
import org.amyterm.backup.testsupport.S3MockServer;
import org.amyterm.backup.testsupport.TestServers;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/**
 * Retention on a bucket made with Object Lock (S3Mock, which records retention dates and versions):
 * the storage service, in governance mode, keeps the last known good locked while it outlives its
 * retention class, and what it expires leaves no version behind.
 */
@QuarkusTest
@QuarkusTestResource(StoreResource.class)
@TestProfile(LockedBucketRetentionTest.LockedBucket.class)
class LockedBucketRetentionTest {
    static final String BUCKET = "locked-retention-" + UUID.randomUUID().toString().substring(0, 8);

    @Inject
    ObjectStore store;

    @Inject
    ObjectLayout layout;

    @Inject
    RetentionRun retention;

    /**
     * The storage service of {@link StoreResource} (which every test of this module gets), but on a
     * bucket made with Object Lock on S3Mock, in governance mode.
     */
    public static class LockedBucket implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            S3MockServer s3mock = TestServers.s3mock();
            try (S3Client s3 = client(s3mock)) {
                s3.createBucket(b -> b.bucket(BUCKET).objectLockEnabledForBucket(true));
                // AWS turns versioning on with Object Lock; S3Mock has to be told
                s3.putBucketVersioning(b -> b.bucket(BUCKET).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
            }
            return Map.of("amyterm.store.object-lock.mode", "governance", "amyterm.store.endpoint", s3mock.endpoint(),
                    "amyterm.store.bucket", BUCKET);
        }
    }

    @Test
    void theLastKnownGoodStaysLockedWhileItOutlivesItsClassAndExpiredBackupsLeaveNoVersion() {
        // Given a database whose last known good is 40 days old (its class keeps 35), its lock
        // extended by yesterday's run to end tomorrow; two older verified backups, 41 and 42 days old,
        // whose locks have lapsed (kept as the newest three verified); a fourth, 45 days old; and three
        // recent backups, locked for their class: one failed its restore test, two await theirs
        assertThat(store.locksObjects()).as("the store writes objects with Object Lock").isTrue();
        Instant now = Instant.now();
        String database = "locked_" + Long.toHexString(now.toEpochMilli());
        Instant tomorrow = now.plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        BucketFolders folders = new BucketFolders(store, layout);
        BackupSummary lastKnownGood = locked(database, folders.put(database, verified(now, 40)), tomorrow);
        List<BackupSummary> olderKept = List.of(folders.put(database, verified(now, 41)), folders.put(database, verified(now, 42)));
        BackupSummary expired = folders.put(database, verified(now, 45));
        List<BackupSummary> recent = List.of(Backups.verificationFailed(now.minus(Duration.ofDays(3))),
                Backups.stored(now.minus(Duration.ofDays(2))), Backups.stored(now.minus(Duration.ofDays(1)))).stream()
                .map(b -> locked(database, folders.put(database, b), classEnd(b))).toList();
        List<String> lastKnownGoodKeys = store.list(layout.backupFolder(database, lastKnownGood.backupId()));
        assertThat(lastKnownGoodKeys).hasSize(5).allSatisfy(key -> assertThat(retainUntil(key)).isEqualTo(tomorrow));

        // When retention runs
        RetentionRun.Report report = retention.run(now, false);

        // Then the last known good and the two kept beside it stay, and every object of theirs is
        // locked a lock-ahead (7 days) from now
        assertThat(report.backups()).filteredOn(e -> e.backupId().equals(lastKnownGood.backupId())).singleElement()
                .satisfies(e -> assertThat(e.rule()).isEqualTo("keep:last-known-good"));
        assertThat(report.backups()).filteredOn(e -> olderKept.stream().anyMatch(b -> b.backupId().equals(e.backupId())))
                .hasSize(2).allSatisfy(e -> assertThat(e.rule()).isEqualTo("keep:newest-3"));
        Instant ahead = now.plus(7, ChronoUnit.DAYS);
        for (BackupSummary kept : List.of(lastKnownGood, olderKept.get(0), olderKept.get(1))) {
            assertThat(store.list(layout.backupFolder(database, kept.backupId()))).hasSize(5).allSatisfy(key ->
                    assertThat(retainUntil(key)).isBetween(ahead.minusSeconds(1), ahead.plusSeconds(1)));
        }
        // and the recent ones keep their own, longer locks: a lock is never shortened
        for (BackupSummary young : recent) {
            assertThat(retainUntil(layout.manifestKey(database, young.backupId()))).isEqualTo(classEnd(young));
        }
        // and of the expired backup no object and no version is left but the record of its expiry
        assertThat(report.backups()).filteredOn(e -> e.backupId().equals(expired.backupId())).singleElement()
                .satisfies(e -> assertThat(e.action()).as(e.rule()).isEqualTo("deleted"));
        String expiredFolder = layout.backupFolder(database, expired.backupId());
        try (S3Client s3 = client(TestServers.s3mock())) {
            assertThat(s3.listObjectVersions(b -> b.bucket(BUCKET).prefix(expiredFolder)).versions())
                    .extracting(v -> v.key()).containsOnly(layout.expiredKey(database, expired.backupId()),
                            ObjectLayout.signatureKey(layout.expiredKey(database, expired.backupId())));
        }
    }

    /**
     * Locks every object of the backup's folder until {@code until}, as the storage service (and
     * retention runs) leave them. Through the store's own extension: S3Mock records a retention
     * set by PutObjectRetention, not one asked for in a PUT's headers.
     */
    private BackupSummary locked(String database, BackupSummary backup, Instant until) {
        for (String key : store.list(layout.backupFolder(database, backup.backupId()))) {
            assertThat(store.extendLock(key, until)).isTrue();
        }
        return backup;
    }

    /** Where a daily backup's own lock ends: 35 days after its dump began. */
    private static Instant classEnd(BackupSummary backup) {
        return backup.manifest().dumpStartedAt().plus(35, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    }

    private static BackupSummary verified(Instant now, int daysAgo) {
        return Backups.verified(now.minus(Duration.ofDays(daysAgo)), BackupReason.SCHEDULED);
    }

    private static Instant retainUntil(String key) {
        try (S3Client s3 = client(TestServers.s3mock())) {
            return s3.getObjectRetention(b -> b.bucket(BUCKET).key(key)).retention().retainUntilDate();
        }
    }

    private static S3Client client(S3MockServer s3mock) {
        return S3Client.builder().endpointOverride(URI.create(s3mock.endpoint())).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("any", "any"))).build();
    }
}
