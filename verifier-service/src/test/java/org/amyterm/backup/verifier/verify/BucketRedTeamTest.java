package org.amyterm.backup.verifier.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.RestoreVerified;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.contracts.Verification;
import org.amyterm.backup.messaging.RecordedEvents;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.testsupport.TestDirs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The verifier read as an attacker who can write to the bucket (but holds no signing key) would:
 * each attack next to its honest twin, which shows the attack would have worked had it not been refused.
 */
@QuarkusTest
@QuarkusTestResource(StagingResource.class)
class BucketRedTeamTest {
    /** A database whose archive, once restored, writes {@link #MARKER} on the server: SQL that runs shows. */
    private static final String PAYLOAD = "verify_payload";
    private static final Path MARKER = TestDirs.server("red-team").resolve("payload-ran");

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    ObjectStore store;

    @Inject
    ObjectLayout layout;

    private RecordedEvents events;

    @BeforeEach
    void clear() throws Exception {
        events = new RecordedEvents(connector.sink("events"));
        events.clear();
        makePayloadDatabase();
        Files.deleteIfExists(MARKER);
    }

    private static boolean payloadMade;

    /**
     * Refreshing the materialized view (which pg_restore does) runs the function, which has the
     * server write the marker: the folder is writable by the server's own OS user, whoever runs the tests.
     */
    private static synchronized void makePayloadDatabase() throws Exception {
        if (payloadMade) {
            return;
        }
        Files.setPosixFilePermissions(MARKER.getParent(), java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        StagingResource.postgres.psql("postgres", "DROP DATABASE IF EXISTS " + PAYLOAD);
        StagingResource.postgres.createDatabase(PAYLOAD);
        StagingResource.postgres.psql(PAYLOAD, """
                CREATE FUNCTION payload() RETURNS int LANGUAGE plpgsql AS $$
                BEGIN
                  EXECUTE 'COPY (SELECT 1) TO ' || quote_literal('MARKER');
                  RETURN 1;
                END $$;
                CREATE MATERIALIZED VIEW payload_ran AS SELECT payload() AS ran;
                """.replace("MARKER", MARKER.toString()));
        payloadMade = true;
    }

    @Test
    void aReplacedObjectRunsNoneOfItsSqlOnStaging() throws Exception {
        // Given a backup stored with its signed manifest, whose object is then replaced in the bucket by
        // an archive encrypted to the very same recipient (in public-key mode anyone can make one)
        StandardToolBackup genuine = new StandardToolBackup();
        BackupStored stored = genuine.upload(store, layout, genuine.counts, StandardToolBackup.sha256(genuine.encrypted));
        StandardToolBackup payload = new StandardToolBackup(PAYLOAD, List.of(), null);
        try (ObjectStore.Upload upload = store.startUpload(stored.objectKey(), 0)) {
            Files.copy(payload.encrypted, upload.stream());
            upload.complete();
        }
        Files.deleteIfExists(MARKER);

        // When the verifier tests the backup
        connector.source("backup-stored").send(EventJson.write(stored));

        // Then it is refused as altered before pg_restore ran: the payload's SQL never executed
        StageFailed failed = events.await(StageFailed.class, StageFailed.TYPE);
        assertThat(failed.reason()).isEqualTo(FailureReason.INTEGRITY_MISMATCH);
        assertThat(failed.retryable()).isFalse();
        assertThat(failed.message()).contains("not the one its signed manifest records", "nothing of it was restored");
        assertThat(MARKER).doesNotExist();
    }

    @Test
    void thePayloadRunsWhenStoredHonestly() throws Exception {
        // Given the same payload archive, stored with its own signed manifest (the twin of the attack above)
        StandardToolBackup payload = new StandardToolBackup(PAYLOAD, List.of(), null);
        BackupStored stored = payload.upload(store, layout, payload.counts, StandardToolBackup.sha256(payload.encrypted));

        // When the verifier tests it
        connector.source("backup-stored").send(EventJson.write(stored));

        // Then pg_restore ran its SQL: the marker the refused attack never wrote is there
        events.await(RestoreVerified.class, RestoreVerified.TYPE);
        assertThat(MARKER).exists();
    }

    @Test
    void plantedPassingEvidenceDoesNotSkipTheRestoreTest() throws Exception {
        // Given a stored backup for which a bucket writer planted passing evidence naming its very object,
        // unsigned, before the verifier came to it
        StandardToolBackup backup = new StandardToolBackup();
        String sha256 = StandardToolBackup.sha256(backup.encrypted);
        BackupStored stored = backup.upload(store, layout, backup.counts, sha256);
        String current = layout.verificationKey(StagingResource.SOURCE, backup.backupId);
        store.putText(current, EventJson.write(new Verification(Verification.FORMAT_VERSION, backup.backupId,
                StagingResource.SOURCE, true, "none", "pg_restore", Instant.now(), Instant.now(), 1, 1, List.of())
                .naming(sha256)));

        // When the verifier hears it was stored
        connector.source("backup-stored").send(EventJson.write(stored));

        // Then it restores and checks it anyway, and its own signed evidence replaces the planted file
        RestoreVerified verified = events.await(RestoreVerified.class, RestoreVerified.TYPE);
        assertThat(verified.checks()).extracting(c -> c.name()).contains("pg-restore", "row-counts");
        Verification evidence = EventJson.read(store.getText(current).orElseThrow(), Verification.class);
        assertThat(evidence.verifier()).isEqualTo("verifier-test");
        assertThat(evidence.objectSha256()).isEqualTo(sha256);
        assertThat(store.exists(ObjectLayout.signatureKey(current))).isTrue();
    }

    @Test
    void evidenceCopiedFromAnotherBackupDoesNotSkipTheRestoreTest() throws Exception {
        // Given a backup the verifier tested, and a newer one whose folder received a copy of that
        // evidence and its genuine signature
        StandardToolBackup older = new StandardToolBackup();
        BackupStored olderStored = older.upload(store, layout, older.counts, StandardToolBackup.sha256(older.encrypted));
        connector.source("backup-stored").send(EventJson.write(olderStored));
        events.await(RestoreVerified.class, RestoreVerified.TYPE);
        events.clear();
        StandardToolBackup newer = new StandardToolBackup();
        BackupStored stored = newer.upload(store, layout, newer.counts, StandardToolBackup.sha256(newer.encrypted));
        String from = layout.verificationKey(StagingResource.SOURCE, older.backupId);
        String to = layout.verificationKey(StagingResource.SOURCE, newer.backupId);
        store.putText(to, store.getText(from).orElseThrow());
        store.putText(ObjectLayout.signatureKey(to), store.getText(ObjectLayout.signatureKey(from)).orElseThrow());

        // When the verifier hears the newer one was stored
        connector.source("backup-stored").send(EventJson.write(stored));

        // Then it tests it: the copied evidence is about another backup
        RestoreVerified verified = events.await(RestoreVerified.class, RestoreVerified.TYPE);
        assertThat(verified.backupId()).isEqualTo(newer.backupId);
        assertThat(EventJson.read(store.getText(to).orElseThrow(), Verification.class).backupId())
                .isEqualTo(newer.backupId);
    }

    @Test
    void aSignedManifestCopiedIntoANewerFolderIsRefused() throws Exception {
        // Given a genuine, signed backup, and a newer folder holding copies of its manifest, signature and object
        StandardToolBackup genuine = new StandardToolBackup();
        BackupStored original = genuine.upload(store, layout, genuine.counts, StandardToolBackup.sha256(genuine.encrypted));
        String newer = BackupId.of(Instant.now().plusSeconds(3600), "copied");
        String manifestKey = layout.manifestKey(StagingResource.SOURCE, newer);
        store.putText(manifestKey, store.getText(original.manifestKey()).orElseThrow());
        store.putText(layout.manifestSignatureKey(StagingResource.SOURCE, newer),
                store.getText(layout.manifestSignatureKey(StagingResource.SOURCE, genuine.backupId)).orElseThrow());
        try (ObjectStore.Upload upload = store.startUpload(layout.dumpKey(StagingResource.SOURCE, newer), 0)) {
            Files.copy(genuine.encrypted, upload.stream());
            upload.complete();
        }

        // When the verifier is told the newer folder holds a backup
        // (the newer folder's keys: an hour ahead may be tomorrow's folder)
        BackupStored planted = EventJson.read(EventJson.write(original)
                .replace(layout.backupFolder(StagingResource.SOURCE, genuine.backupId),
                        layout.backupFolder(StagingResource.SOURCE, newer))
                .replace(genuine.backupId, newer), BackupStored.class);
        connector.source("backup-stored").send(EventJson.write(planted));

        // Then it refuses the manifest as not this folder's, restoring nothing
        StageFailed failed = events.await(StageFailed.class, StageFailed.TYPE);
        assertThat(failed.backupId()).isEqualTo(newer);
        assertThat(failed.reason()).isEqualTo(FailureReason.MANIFEST_UNTRUSTED);
        assertThat(failed.message()).contains("lies in the folder of backup " + newer, "nothing of this backup was restored");
    }
}
