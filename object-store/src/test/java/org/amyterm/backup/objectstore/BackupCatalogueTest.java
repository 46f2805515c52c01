package org.amyterm.backup.objectstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.amyterm.backup.contracts.RestoreCompleted;
import org.amyterm.backup.contracts.BackupExpired;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.NodeRole;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.contracts.Verification;
import org.amyterm.backup.testsupport.S3ProxyServer;
import org.amyterm.backup.testsupport.TestServers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The catalogue is rebuilt from the bucket alone: states, order and last known good. */
class BackupCatalogueTest {
    private static S3ObjectStore store;
    private final ObjectLayout layout = new ObjectLayout("cat-" + UUID.randomUUID());
    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-28T09:00:00Z"));
    private final BackupCatalogue catalogue = new BackupCatalogue(store, layout, SignedFiles.KEYS.trust(layout), RELIST_AFTER, MAX_AGE, BackupCatalogue.Limits.DEFAULT, clock);
    private static final Duration RELIST_AFTER = Duration.ofMinutes(1);
    private static final Duration MAX_AGE = Duration.ofMinutes(15);
    private static final String OBJECT_SHA256 = "b".repeat(64);

    @BeforeAll
    static void connect() {
        S3ProxyServer s3 = TestServers.s3();
        S3Client client = S3Client.builder().endpointOverride(URI.create(s3.endpoint())).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .build();
        store = new S3ObjectStore(client, new S3Settings(Optional.of(URI.create(s3.endpoint())), "us-east-1", "catalogue",
                true, new UploadSettings(S3Settings.MIN_PART_SIZE, 2, 3L * S3Settings.MIN_PART_SIZE,
                        java.time.Duration.ofMinutes(1))));
        store.createBucketIfMissing();
    }

    @Test
    void lastKnownGoodIsTheNewestBackupWhoseRestoreTestPassed() {
        // Given an older verified backup, a newer one whose test failed, a newer stored one and a failed dump
        String verified = backup("2026-11-01T01:30:00Z", true);
        String failedTest = backup("2026-11-02T01:30:00Z", false);
        String stored = backup("2026-11-03T01:30:00Z", null);
        String failedDump = BackupId.of(Instant.parse("2026-11-04T01:30:00Z"), "d");
        SignedFiles.KEYS.manifest(store, layout.failureKey("amyterm", failedDump), StageFailed.of(failedDump, "amyterm",
                Stage.DUMP, FailureReason.SOURCE_UNREACHABLE, "down", Instant.now()));

        // Then the list is newest first, with each state, and last known good skips the failures
        assertThat(catalogue.list("amyterm")).extracting(BackupSummary::backupId, BackupSummary::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple(failedDump, BackupSummary.State.FAILED),
                org.assertj.core.groups.Tuple.tuple(stored, BackupSummary.State.STORED),
                org.assertj.core.groups.Tuple.tuple(failedTest, BackupSummary.State.VERIFICATION_FAILED),
                org.assertj.core.groups.Tuple.tuple(verified, BackupSummary.State.VERIFIED));
        assertThat(catalogue.lastKnownGood("amyterm")).map(BackupSummary::backupId).contains(verified);
        assertThat(catalogue.find(stored)).map(BackupSummary::database).contains("amyterm");
        store.putText(layout.root() + ".retention/last-run", "not a database");
        assertThat(catalogue.databases()).containsExactly("amyterm");
    }

    @Test
    void memoryStaysWithinTheConfiguredLimitsWhateverTheBucketHolds() {
        // Given a catalogue allowed 3 parsed files and 2 listings, and backups in five months of two years
        List<String> ids = new java.util.ArrayList<>();
        for (String day : List.of("2025-11-01", "2025-12-01", "2026-08-01", "2026-09-01", "2026-10-01")) {
            ids.add(backup(day + "T01:30:00Z", true));
        }
        try (BackupCatalogue small = new BackupCatalogue(store, layout, SignedFiles.KEYS.trust(layout), RELIST_AFTER,
                MAX_AGE, new BackupCatalogue.Limits(3, 2), clock)) {
            // When it lists them all, twice
            assertThat(small.list("amyterm")).hasSize(5).allMatch(b -> b.state() == BackupSummary.State.VERIFIED);
            assertThat(small.list("amyterm")).extracting(BackupSummary::backupId).containsExactlyInAnyOrderElementsOf(ids);

            // Then it still answers right, holding no more than it was allowed
            assertThat(small.filesHeld()).isPositive().isLessThanOrEqualTo(3);
            assertThat(small.listingsHeld()).isPositive().isLessThanOrEqualTo(2);
        }
        // (the default limits hold all of it)
        catalogue.list("amyterm");
        assertThat(catalogue.filesHeld()).isGreaterThan(3);
    }

    @Test
    void aBackupIsFoundInWhicheverDatabaseHoldsIt() {
        backup("2026-11-01T01:30:00Z", true);
        String id = BackupId.of(Instant.parse("2026-11-02T01:30:00Z"), "other");
        SignedFiles.KEYS.manifest(store, layout.failureKey("regional-1", id), StageFailed.of(id, "regional-1",
                Stage.DUMP, FailureReason.SOURCE_UNREACHABLE, "down", Instant.now()));

        assertThat(catalogue.find(id)).map(BackupSummary::database).contains("regional-1");
        assertThat(catalogue.find(BackupId.of(Instant.parse("2026-11-02T01:30:00Z"), "none"))).isEmpty();
    }

    @Test
    void aSettledMonthAnswersFromItsListingAndCatchesUpWithinItsMaximumAge() {
        // Given a verified backup from August and one from this month, both listed
        String august = backup("2026-08-10T01:30:00Z", true);
        String november = backup("2026-11-10T01:30:00Z", true);
        assertThat(catalogue.list("amyterm")).allMatch(b -> b.state() == BackupSummary.State.VERIFIED);

        // When both restore tests are found failed on a second run, written to the bucket by another process
        evidence(august, false);
        evidence(november, false);

        // Then this month shows it at once, August from its listing until that is a minute old, and
        // listNow (what retention and the last known good use) at once
        assertThat(states()).containsExactly(BackupSummary.State.VERIFICATION_FAILED, BackupSummary.State.VERIFIED);
        assertThat(catalogue.listNow("amyterm")).extracting(BackupSummary::state)
                .containsOnly(BackupSummary.State.VERIFICATION_FAILED);

        // And a listing of August older than a minute is renewed in the background, one older than
        // fifteen minutes before answering
        evidence(august, true);
        clock.advance(Duration.ofMinutes(2));
        states();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> states().get(1) == BackupSummary.State.VERIFIED);
        evidence(august, false);
        clock.advance(Duration.ofMinutes(16));
        assertThat(states()).containsExactly(BackupSummary.State.VERIFICATION_FAILED,
                BackupSummary.State.VERIFICATION_FAILED);
    }

    @Test
    void aFreshCatalogueReadsYearsOfMonthsWithoutWaitingOnItself() {
        // Given twenty months with a verified backup each, more months than the catalogue has threads
        for (int month = 0; month < 20; month++) {
            backup(java.time.YearMonth.of(2025, 1).plusMonths(month).atDay(3) + "T01:30:00Z", true);
        }

        // When a fresh catalogue lists them (every month listed and every file read side by side)
        // Then it answers (a month's listing waiting on its file reads never blocks the readers)
        List<BackupSummary.State> states = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                Duration.ofMinutes(2), this::states, "the catalogue's own tasks deadlocked");
        assertThat(states).hasSize(20).containsOnly(BackupSummary.State.VERIFIED);
    }

    @Test
    void aBackupThisCatalogueForgetsIsListedAgainAtOnce() {
        // Given a settled backup, listed
        String old = backup("2025-03-10T01:30:00Z", true);
        assertThat(states()).containsExactly(BackupSummary.State.VERIFIED);

        // When retention expires it (its files go, expired.json stays) and tells the catalogue
        store.delete(layout.manifestKey("amyterm", old));
        store.delete(layout.verificationKey("amyterm", old));
        SignedFiles.KEYS.manifest(store, layout.expiredKey("amyterm", old), new BackupExpired(old, "amyterm", List.of(),
                "older than 35 days", clock.instant(), "daily"));
        catalogue.forget("amyterm", old);

        // Then the next listing says so
        assertThat(states()).containsExactly(BackupSummary.State.EXPIRED);
    }

    @Test
    void aChangedFileIsReadAgainAndAFreshCatalogueGivesTheSameAnswer() {
        // Given a stored backup the catalogue has listed (and so read)
        String id = backup("2026-11-05T01:30:00Z", null);
        assertThat(catalogue.list("amyterm")).singleElement().extracting(BackupSummary::state)
                .isEqualTo(BackupSummary.State.STORED);

        // When its restore test writes evidence, and then the evidence is rewritten as failed
        evidence(id, true);
        assertThat(catalogue.list("amyterm").get(0).state()).isEqualTo(BackupSummary.State.VERIFIED);
        evidence(id, false);

        // Then the same catalogue sees each change, and one made afresh agrees with it
        assertThat(catalogue.list("amyterm").get(0).state()).isEqualTo(BackupSummary.State.VERIFICATION_FAILED);
        try (BackupCatalogue fresh = new BackupCatalogue(store, layout, SignedFiles.KEYS.trust(layout), RELIST_AFTER, MAX_AGE, BackupCatalogue.Limits.DEFAULT, clock)) {
            assertThat(fresh.list("amyterm")).isEqualTo(catalogue.list("amyterm"));
        }
    }

    @Test
    void plantedEvidenceNeverMakesABackupLastKnownGood() {
        // Given a verified backup, and a newer stored one never tested
        String verified = backup("2026-11-01T01:30:00Z", true);
        String planted = backup("2026-11-02T01:30:00Z", null);
        String key = layout.verificationKey("amyterm", planted);

        // When a bucket writer plants passing evidence for it: unsigned, then signed by a key nobody trusts
        store.putText(key, EventJson.write(verification(planted, true)));
        BackupSummary unsigned = catalogue.find("amyterm", planted).orElseThrow();
        SignedFiles.put(store, key, EventJson.write(verification(planted, true)), SignedFiles.KEYS.stranger);
        BackupSummary foreign = catalogue.find("amyterm", planted).orElseThrow();

        // Then the backup stays STORED, says why, and the last known good is still the tested one
        assertThat(unsigned.state()).isEqualTo(BackupSummary.State.STORED);
        assertThat(unsigned.untrusted()).singleElement().asString().contains("verification.json", "has no signature");
        assertThat(foreign.state()).isEqualTo(BackupSummary.State.STORED);
        assertThat(foreign.untrusted()).singleElement().asString().contains("which is not in evidence-key-files");
        assertThat(catalogue.lastKnownGood("amyterm")).map(BackupSummary::backupId).contains(verified);

        // And its positive twin: the same evidence signed by the verifier's key makes it the last known good
        evidence(planted, true);
        assertThat(catalogue.lastKnownGood("amyterm")).map(BackupSummary::backupId).contains(planted);
    }

    @Test
    void evidenceVouchesOnlyForTheObjectItTested() {
        // Given a stored backup
        String id = backup("2026-11-02T01:30:00Z", null);

        // When evidence signed by the verifier's key names another object
        SignedFiles.KEYS.evidence(store, layout.verificationKey("amyterm", id), verification(id, true).naming("c".repeat(64)));
        BackupSummary otherObject = catalogue.find("amyterm", id).orElseThrow();

        // Then it does not verify it
        assertThat(otherObject.state()).isEqualTo(BackupSummary.State.STORED);
        assertThat(otherObject.untrusted()).singleElement().asString().contains("not the one the backup's manifest records");

        // And evidence signed before evidence named its object still counts for its own folder
        SignedFiles.KEYS.evidence(store, layout.verificationKey("amyterm", id), verification(id, true).naming(null));
        assertThat(catalogue.find("amyterm", id).orElseThrow().state()).isEqualTo(BackupSummary.State.VERIFIED);
    }

    @Test
    void aSignedManifestCopiedIntoAnotherFolderIsNotABackupThere() {
        // Given a verified backup of another database, its manifest signed by the storage key
        String source = BackupId.of(Instant.parse("2026-10-01T01:30:00Z"), "other");
        Manifest other = manifest("regional-1", source);
        String text = EventJson.write(other);

        // When its manifest, signature and evidence are copied into a newer folder of amyterm
        String newer = BackupId.of(Instant.parse("2026-11-20T01:30:00Z"), "copied");
        SignedFiles.KEYS.manifest(store, layout.manifestKey("amyterm", newer), other);
        SignedFiles.KEYS.evidence(store, layout.verificationKey("amyterm", newer),
                new Verification(1, source, "regional-1", true, "s", "pg_restore", Instant.now(), Instant.now(), 5, 1,
                        List.of()).naming(OBJECT_SHA256));

        // Then the folder is listed as untrusted, with neither manifest nor evidence, and is no last known good
        BackupSummary copied = catalogue.find("amyterm", newer).orElseThrow();
        assertThat(copied.manifest()).isNull();
        assertThat(copied.verification()).isNull();
        assertThat(copied.untrusted()).anySatisfy(why -> assertThat(why).contains("manifest.json",
                "lies in the folder of backup " + newer));
        assertThat(catalogue.lastKnownGood("amyterm")).isEmpty();
        assertThat(text).doesNotContain("\n");
    }

    @Test
    void plantedFailureAndExpiryRecordsNeitherHoldNorHideABackup() {
        // Given the last known good, and a newer stored backup
        String good = backup("2026-11-01T01:30:00Z", true);
        String stored = backup("2026-11-02T01:30:00Z", null);

        // When a bucket writer plants an unsigned tombstone on the last known good, an unsigned failure
        // in the newer folder, and a failure signed by the storage key but copied from another backup
        store.putText(layout.expiredKey("amyterm", good), EventJson.write(new BackupExpired(good, "amyterm", List.of(),
                "planted", clock.instant(), "daily")));
        store.putText(layout.failureKey("amyterm", stored), EventJson.write(StageFailed.of(stored, "amyterm",
                Stage.VERIFY, FailureReason.RESTORE_FAILED, "planted", Instant.now())));
        String copied = BackupId.of(Instant.parse("2026-11-03T01:30:00Z"), "copied");
        SignedFiles.KEYS.manifest(store, layout.failureKey("amyterm", copied), StageFailed.of(stored, "amyterm",
                Stage.DUMP, FailureReason.DUMP_FAILED, "another backup's", Instant.now()));

        // Then each is ignored and listed as untrusted, and the last known good stays what it was
        assertThat(catalogue.find("amyterm", good).orElseThrow()).satisfies(b -> {
            assertThat(b.state()).isEqualTo(BackupSummary.State.VERIFIED);
            assertThat(b.untrusted()).singleElement().asString().contains("expired.json", "has no signature");
        });
        assertThat(catalogue.find("amyterm", stored).orElseThrow()).satisfies(b -> {
            assertThat(b.failure()).isNull();
            assertThat(b.untrusted()).singleElement().asString().contains("failure.json", "has no signature");
        });
        assertThat(catalogue.find("amyterm", copied).orElseThrow().untrusted()).singleElement().asString()
                .contains("failure.json", "names backup " + stored);
        assertThat(catalogue.lastKnownGood("amyterm")).map(BackupSummary::backupId).contains(good);

        // And their positive twin: the tombstone signed by the storage key, in a folder emptied as
        // retention leaves it, expires the backup
        store.delete(layout.manifestKey("amyterm", good));
        store.delete(layout.verificationKey("amyterm", good));
        SignedFiles.KEYS.manifest(store, layout.expiredKey("amyterm", good), new BackupExpired(good, "amyterm", List.of(),
                "older than 35 days", clock.instant(), "daily"));
        assertThat(catalogue.find("amyterm", good).orElseThrow()).satisfies(b -> {
            assertThat(b.state()).isEqualTo(BackupSummary.State.EXPIRED);
            assertThat(b.untrusted()).isEmpty();
        });
    }

    @Test
    void aRestoreRecordSignedByTheVerifierIsListedWithItsBackupAndAPlantedOneIsNot() {
        // Given a verified backup restored twice by operators, each restore recorded and signed by the verifier
        String good = backup("2026-11-05T01:30:00Z", true);
        Instant first = Instant.parse("2026-11-20T10:00:00Z");
        SignedFiles.KEYS.evidence(store, layout.restoreRecordKey("amyterm", good, BackupId.of(first.plusSeconds(60), "b")),
                restored(good, "amyterm_copy", first.plusSeconds(60)));
        SignedFiles.KEYS.evidence(store, layout.restoreRecordKey("amyterm", good, BackupId.of(first, "a")),
                restored(good, "amyterm", first));
        // and two that prove nothing: one signed by the storage key, one naming another backup
        SignedFiles.KEYS.manifest(store, layout.restoreRecordKey("amyterm", good, BackupId.of(first, "c")),
                restored(good, "planted", first));
        String other = BackupId.of(Instant.parse("2026-11-04T01:30:00Z"), "other");
        SignedFiles.KEYS.evidence(store, layout.restoreRecordKey("amyterm", good, BackupId.of(first, "d")),
                restored(other, "copied", first));

        // When the catalogue lists the backup
        BackupSummary backup = catalogue.find("amyterm", good).orElseThrow();

        // Then the signed restores are its restores, oldest first, and the others are named untrusted
        assertThat(backup.restores()).extracting(RestoreCompleted::targetDatabase).containsExactly("amyterm", "amyterm_copy");
        assertThat(backup.state()).isEqualTo(BackupSummary.State.VERIFIED);
        assertThat(backup.untrusted()).hasSize(2).anySatisfy(u -> assertThat(u).contains("names backup " + other))
                .anySatisfy(u -> assertThat(u).contains("restore."));
    }

    private static RestoreCompleted restored(String backupId, String target, Instant at) {
        return new RestoreCompleted(backupId, "amyterm", target, org.amyterm.backup.contracts.NodeRole.CENTRAL, "alice",
                1000, List.of(), at);
    }

    @Test
    void theCatalogueKeepsAManifestWithoutWhatOnlyARestoreReads() {
        // Given a manifest with chunk hashes and the inventory of a rich schema
        String id = BackupId.of(Instant.parse("2026-11-22T01:30:00Z"), "rich");
        java.util.List<String> tables = java.util.stream.IntStream.range(0, 2000).mapToObj(i -> "public.t" + i).toList();
        org.amyterm.backup.contracts.Inventory inventory = new org.amyterm.backup.contracts.Inventory(tables, List.of(),
                tables, List.of(), Map.of(), List.of(), List.of(), 0, List.of());
        Manifest m = manifest("amyterm", id);
        Manifest rich = new Manifest(m.formatVersion(), id, "amyterm", m.reason(), m.nodeRole(), m.pgServerVersion(),
                m.pgDumpVersion(), m.schemaVersion(), Map.of("public.t0", 5L), m.archive(), m.encryption(),
                new Manifest.StoredObject(m.object().key(), 1, OBJECT_SHA256, 4 << 20, List.of("c".repeat(64))),
                m.dumpStartedAt(), m.dumpFinishedAt(), m.storedAt(), new org.amyterm.backup.contracts.DumpDetails("default",
                        List.of(), List.of(), List.of(), "generic", "daily", "PT26H", "PT4H", inventory));
        SignedFiles.KEYS.manifest(store, layout.manifestKey("amyterm", id), rich);

        // Then the catalogue's copy has none of them (the row counts summed up), and everything a listing shows
        BackupSummary summary = catalogue.find("amyterm", id).orElseThrow();
        Manifest kept = summary.manifest();
        assertThat(kept.object().chunkSha256()).isNull();
        assertThat(kept.dumpDetails().inventory()).isNull();
        assertThat(kept.dumpDetails().rpo()).isEqualTo("PT26H");
        assertThat(kept.tableRowCounts()).isEmpty();
        assertThat(summary.tables()).isEqualTo(new BackupSummary.Tables(1, 5));
        assertThat(kept.object().sha256()).isEqualTo(OBJECT_SHA256);
    }

    @Test
    void anOversizedManifestIsUntrustedWithoutBeingRead() {
        // Given a 5 MiB file planted as a manifest
        String id = BackupId.of(Instant.parse("2026-11-21T01:30:00Z"), "huge");
        store.putText(layout.manifestKey("amyterm", id), "x".repeat(5 * 1024 * 1024));

        // Then the catalogue lists it as untrusted, saying it is too large
        assertThat(catalogue.find("amyterm", id).orElseThrow().untrusted()).singleElement().asString()
                .contains("manifest.json", "over the cap of 4194304: not read");
    }

    @Test
    void anUploadWithoutManifestIsNotYetABackup() {
        String id = BackupId.of(Instant.now(), "partial");
        store.putText(layout.dumpKey("amyterm", id), "ciphertext");
        assertThat(catalogue.find(id)).isEmpty();
    }

    private Manifest manifest(String database, String id) {
        return new Manifest(1, id, database,
                BackupReason.SCHEDULED, NodeRole.CENTRAL, "15", "pg_dump 15", "2.3.1", Map.of(),
                new Manifest.Archive("pg_dump-custom", "zstd", 1, "a"), new Manifest.Encryption("m", "a", "k", null),
                new Manifest.StoredObject(layout.dumpKey(database, id), 1, OBJECT_SHA256), Instant.now(), Instant.now(),
                Instant.now());
    }

    private List<BackupSummary.State> states() {
        return catalogue.list("amyterm").stream().map(BackupSummary::state).toList();
    }

    private void evidence(String id, boolean passed) {
        SignedFiles.KEYS.evidence(store, layout.verificationKey("amyterm", id), verification(id, passed));
    }

    private static Verification verification(String id, boolean passed) {
        return new Verification(1, id, "amyterm", passed, "s", "pg_restore", Instant.now(), Instant.now(), 5, 1,
                List.of(new CheckResult("row-counts", passed, ""))).naming(OBJECT_SHA256);
    }

    /** A clock the test moves, for the ages of listings. */
    private static final class SettableClock extends Clock {
        private final AtomicReference<Instant> now;

        SettableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void advance(Duration by) {
            now.updateAndGet(t -> t.plus(by));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the catalogue reads instants only");
        }
    }

    private String backup(String at, Boolean passed) {
        String id = BackupId.of(Instant.parse(at), at);
        SignedFiles.KEYS.manifest(store, layout.manifestKey("amyterm", id), manifest("amyterm", id));
        if (passed != null) {
            evidence(id, passed);
        }
        return id;
    }
}
