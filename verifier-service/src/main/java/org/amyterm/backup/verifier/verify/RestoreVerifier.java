package org.amyterm.backup.verifier.verify;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.RestoreVerified;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.contracts.Verification;
import org.amyterm.backup.contracts.VerificationRequested;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.amyterm.backup.verifier.checks.RestoreChecks;
import org.amyterm.backup.verifier.config.VerifierConfig;
import org.amyterm.backup.verifier.evidence.EvidenceWriter;
import org.amyterm.backup.verifier.restore.StagingServer;
import org.amyterm.backup.verifier.restore.StreamingRestore;
import org.amyterm.backup.verifier.trust.ManifestTrust;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * One restore test of a stored backup: restore into a fresh staging database, run the checks,
 * write the signed evidence (whether it passed or not), drop the staging database. A backup just
 * stored is tested once (a redelivery republishes its evidence); a re-verification is tested once
 * per request, and its evidence becomes the backup's current state.
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
    private final EvidenceWriter evidence;
    private final String instance;
    private final String version;

    public RestoreVerifier(ObjectStore store, ObjectLayout layout, StagingServer staging, StreamingRestore restore,
            RestoreChecks checks, ManifestTrust trust, EvidenceWriter evidence, VerifierConfig config,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        this.trust = trust;
        this.store = store;
        this.layout = layout;
        this.staging = staging;
        this.restore = restore;
        this.checks = checks;
        this.evidence = evidence;
        this.instance = config.evidence().instance().orElseGet(RestoreVerifier::hostName);
        this.version = version;
    }

    /** The outcome: the event to publish and, if the test failed, the failure to raise as well. */
    public record Outcome(RestoreVerified verified, Optional<StageException> failure) {
    }

    public Outcome verify(VerificationTarget target) {
        String manifestText = read(target, target.manifestKey())
                .orElseThrow(() -> new StageException(target.backupId(), target.database(), Stage.VERIFY,
                        FailureReason.BACKUP_NOT_FOUND, "manifest " + target.manifestKey() + " is missing from the bucket"));
        Optional<String> signature = read(target, layout.manifestSignatureKey(target.database(), target.backupId()));
        Manifest manifest = null;
        StageException failure = null;
        try {
            // before a byte of the backup is read: its manifest says what to restore and how to check it
            manifest = trust.trusted(target.backupId(), target.database(), Stage.VERIFY, manifestText, signature);
        } catch (StageException untrusted) {
            failure = untrusted;
        }
        if (manifest != null) {
            Optional<Verification> done = target.trigger() == VerificationRequested.Trigger.STORED
                    ? evidence.current(target.database(), target.backupId(), manifest)
                    : evidence.recorded(target.database(), target.backupId(), target.verificationId(), manifest);
            if (done.isPresent()) {
                LOG.infof("backup %s of %s already has this verification's evidence; not testing it again",
                        target.backupId(), target.database());
                return new Outcome(event(done.get()), Optional.empty());
            }
        }
        String database = staging.databaseFor(target.backupId());
        Instant startedAt = Instant.now();
        List<CheckResult> results = List.of();
        long restoreMillis = 0;
        long checkMillis = 0;
        Instant restoreStarted = null;
        String stagingVersion = null;
        Long firstSmokeCheckMillis = null;
        try {
            if (failure != null) {
                throw failure;
            }
            restore.requirePgRestore(manifest, Stage.VERIFY);
            staging.prepareRoles(manifest, Stage.VERIFY);
            staging.create(database);
            LOG.infof("restoring %s (backup %s) into the staging database %s", target.database(), target.backupId(), database);
            restoreStarted = Instant.now();
            List<String> warnings = restore.restore(manifest, database, Stage.VERIFY);
            restoreMillis = Duration.between(startedAt, Instant.now()).toMillis();
            Instant checksStarted = Instant.now();
            try (Connection restored = staging.connect(database)) {
                stagingVersion = serverVersion(restored);
                RestoreChecks.Outcome checked = checks.run(restored, staging.target(database), manifest, warnings);
                if (checked.results().stream().anyMatch(r -> !r.passed()) && !restored.isValid(CONNECTION_CHECK_SECONDS)) {
                    // a check that failed while the staging server went away says nothing about the backup
                    throw new SQLException("the staging server stopped answering during the checks", "08006");
                }
                results = checked.results();
                firstSmokeCheckMillis = checked.firstSmokeCheckPassedAt()
                        .map(at -> Duration.between(startedAt, at).toMillis()).orElse(null);
            }
            checkMillis = Duration.between(checksStarted, Instant.now()).toMillis();
            List<String> failed = results.stream().filter(r -> !r.passed()).map(r -> r.name() + ": " + r.detail()).toList();
            if (!failed.isEmpty()) {
                failure = new StageException(target.backupId(), target.database(), Stage.VERIFY, FailureReason.CHECK_FAILED,
                        "the restored backup failed " + failed.size() + " check(s): " + String.join("; ", failed));
            }
        } catch (StageException e) {
            failure = e;
            results = List.of(CheckResult.fail("restore", e.getMessage()));
        } catch (SQLException e) {
            failure = new StageException(target.backupId(), target.database(), Stage.VERIFY,
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
        String rtoTarget = manifest == null || manifest.dumpDetails() == null ? null : manifest.dumpDetails().rto();
        Boolean rtoMet = rtoTarget == null || failure != null ? null : restoreMillis <= Duration.parse(rtoTarget).toMillis();
        Verification written = new Verification(Verification.FORMAT_VERSION, target.backupId(), target.database(),
                failure == null, database, restore.pgRestoreVersion(), startedAt, Instant.now(), restoreMillis,
                checkMillis, results, target.verificationId(), target.trigger(), instance, version, stagingVersion,
                rtoTarget, rtoMet, firstSmokeCheckMillis, manifest == null ? null : manifest.object().sha256());
        evidence.write(written);
        LOG.infof("verified %s (backup %s, %s): %s, restore took %d ms (RTO target %s)", target.database(),
                target.backupId(), target.trigger().code(), written.passed() ? "passed" : "FAILED", restoreMillis,
                rtoTarget == null ? "not recorded" : rtoTarget);
        return new Outcome(event(written), Optional.ofNullable(failure));
    }

    /** How long the staging connection may take to answer whether it is still alive, after a failed check. */
    private static final int CONNECTION_CHECK_SECONDS = 5;

    private RestoreVerified event(Verification evidence) {
        String key = evidence.verificationId() == null ? layout.verificationKey(evidence.database(), evidence.backupId())
                : layout.verificationRecordKey(evidence.database(), evidence.backupId(), evidence.verificationId());
        return new RestoreVerified(evidence.backupId(), evidence.database(), evidence.passed(), evidence.restoreMillis(),
                evidence.checks(), key, evidence.finishedAt(), evidence.rtoTarget());
    }

    private static String serverVersion(Connection restored) throws SQLException {
        try (Statement st = restored.createStatement(); ResultSet rs = st.executeQuery("SHOW server_version")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static String hostName() {
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            return host;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "unknown";
        }
    }

    private Optional<String> read(VerificationTarget target, String key) {
        try {
            return store.getText(key);
        } catch (ObjectStoreException e) {
            throw e.failure(target.backupId(), target.database(), Stage.VERIFY, "");
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
