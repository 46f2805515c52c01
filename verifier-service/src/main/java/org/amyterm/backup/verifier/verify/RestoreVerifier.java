package org.amyterm.backup.verifier.verify;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.amyterm.backup.verifier.checks.RestoreChecks;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.RestoreVerified;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.contracts.Verification;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.amyterm.backup.verifier.restore.StagingServer;
import org.amyterm.backup.verifier.restore.StreamingRestore;
import org.amyterm.backup.verifier.trust.ManifestTrust;
import org.jboss.logging.Logger;

/**
 * The scheduled restore test of one stored backup: restore into a fresh staging database, run the
 * checks, write {@code verification.json} (the evidence, whether it passed or not), drop the
 * staging database. A backup that already has evidence is not tested again.
 */
@ApplicationScoped
public class RestoreVerifier {
    private static final Logger LOG = Logger.getLogger(RestoreVerifier.class);

    private final ObjectStore store;
    private final ObjectLayout layout;
    private final StagingServer staging;
    private final StreamingRestore restore;
    private final RestoreChecks checks;
    private final ManifestTrust trust;

    public RestoreVerifier(ObjectStore store, ObjectLayout layout, StagingServer staging, StreamingRestore restore,
            RestoreChecks checks, ManifestTrust trust) {
        this.trust = trust;
        this.store = store;
        this.layout = layout;
        this.staging = staging;
        this.restore = restore;
        this.checks = checks;
    }

    /** The outcome: the event to publish and, if the test failed, the failure to raise as well. */
    public record Outcome(RestoreVerified verified, Optional<StageException> failure) {
    }

    public Outcome verify(BackupStored stored) {
        String evidenceKey = layout.verificationKey(stored.database(), stored.backupId());
        Optional<String> existing = read(stored, evidenceKey);
        if (existing.isPresent()) {
            LOG.infof("backup %s of %s already has evidence; not testing it again", stored.backupId(), stored.database());
            return new Outcome(event(EventJson.read(existing.get(), Verification.class), evidenceKey), Optional.empty());
        }
        String manifestText = read(stored, stored.manifestKey())
                .orElseThrow(() -> new StageException(stored.backupId(), stored.database(), Stage.VERIFY,
                        FailureReason.BACKUP_NOT_FOUND, "manifest " + stored.manifestKey() + " is missing from bucket "
                                + stored.bucket()));
        Optional<String> signature = read(stored, layout.manifestSignatureKey(stored.database(), stored.backupId()));
        String database = staging.databaseFor(stored.backupId());
        Instant startedAt = Instant.now();
        List<CheckResult> results;
        long restoreMillis = 0;
        long checkMillis = 0;
        Instant restoreStarted = null;
        StageException failure = null;
        try {
            // before a byte of the backup is read: its manifest says what to restore and how to check it
            String signer = trust.check(stored.backupId(), stored.database(), Stage.VERIFY, manifestText, signature);
            Manifest manifest = EventJson.read(manifestText, Manifest.class);
            LOG.debugf("manifest of %s signed by %s", stored.backupId(), signer);
            restore.requirePgRestore(manifest, Stage.VERIFY);
            staging.create(database);
            restoreStarted = Instant.now();
            List<String> warnings = restore.restore(manifest, database, Stage.VERIFY);
            restoreMillis = Duration.between(startedAt, Instant.now()).toMillis();
            Instant checksStarted = Instant.now();
            try (Connection restored = staging.connect(database)) {
                results = checks.run(restored, manifest, warnings);
            }
            checkMillis = Duration.between(checksStarted, Instant.now()).toMillis();
            List<String> failed = results.stream().filter(r -> !r.passed()).map(r -> r.name() + ": " + r.detail()).toList();
            if (!failed.isEmpty()) {
                failure = new StageException(stored.backupId(), stored.database(), Stage.VERIFY, FailureReason.CHECK_FAILED,
                        "the restored backup failed " + failed.size() + " check(s): " + String.join("; ", failed));
            }
        } catch (StageException e) {
            failure = e;
            results = List.of(CheckResult.fail("restore", e.getMessage()));
        } catch (SQLException e) {
            failure = new StageException(stored.backupId(), stored.database(), Stage.VERIFY,
                    FailureReason.STAGING_UNAVAILABLE, "the staging server " + staging.settings().host() + ":"
                            + staging.settings().port() + " failed: " + e.getMessage(), e);
            results = List.of(CheckResult.fail("restore", failure.getMessage()));
        } finally {
            dropQuietly(database);
        }
        if (failure != null && restoreMillis == 0 && restoreStarted != null) {
            restoreMillis = Duration.between(restoreStarted, Instant.now()).toMillis(); // how long the failed restore ran
        }
        if (failure != null && failure.isRetryable()) {
            throw failure; // no evidence for an attempt that never really ran; it is tried again
        }
        Verification evidence = new Verification(Verification.FORMAT_VERSION, stored.backupId(), stored.database(),
                failure == null, database, restore.pgRestoreVersion(), startedAt, Instant.now(), restoreMillis,
                checkMillis, results);
        try {
            store.putText(evidenceKey, EventJson.writeForPeople(evidence));
        } catch (ObjectStoreException e) {
            throw new StageException(stored.backupId(), stored.database(), Stage.VERIFY,
                    e.isRetryable() ? FailureReason.STORE_UNAVAILABLE : FailureReason.STORE_REJECTED,
                    "the restore test ran, but its evidence could not be written: " + e.getMessage(), e);
        }
        LOG.infof("verified %s (backup %s): %s, restore took %d ms", stored.database(), stored.backupId(),
                evidence.passed() ? "passed" : "FAILED", restoreMillis);
        return new Outcome(event(evidence, evidenceKey), Optional.ofNullable(failure));
    }

    private static RestoreVerified event(Verification evidence, String evidenceKey) {
        return new RestoreVerified(evidence.backupId(), evidence.database(), evidence.passed(), evidence.restoreMillis(),
                evidence.checks(), evidenceKey, evidence.finishedAt());
    }

    private Optional<String> read(BackupStored stored, String key) {
        try {
            return store.getText(key);
        } catch (ObjectStoreException e) {
            throw new StageException(stored.backupId(), stored.database(), Stage.VERIFY,
                    e.isRetryable() ? FailureReason.STORE_UNAVAILABLE : FailureReason.STORE_REJECTED, e.getMessage(), e);
        }
    }

    private void dropQuietly(String database) {
        try {
            staging.drop(database);
        } catch (SQLException e) {
            LOG.warnf("staging database %s could not be dropped (drop it by hand): %s", database, e.getMessage());
        }
    }
}
