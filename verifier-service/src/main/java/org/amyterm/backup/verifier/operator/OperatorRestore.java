package org.amyterm.backup.verifier.operator;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.NodeRole;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.RestoreCompleted;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.objectstore.BackupCatalogue;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.amyterm.backup.verifier.checks.RestoreChecks;
import org.amyterm.backup.verifier.config.VerifierConfig;
import org.amyterm.backup.verifier.restore.PgTarget;
import org.amyterm.backup.verifier.restore.StagingServer;
import org.amyterm.backup.verifier.restore.StreamingRestore;
import org.amyterm.backup.verifier.trust.ManifestTrust;

/**
 * "Restore to last known good" (procedure sections 5 and 7): picks the backup, trusts its manifest
 * only if signed, runs every {@link RestoreSafetyChecks safeguard} against the target, restores
 * the backup into staging and checks it there (and compares its federation trust configuration),
 * and only then creates the target (and missing roles, if asked), restores with
 * {@code pg_restore --no-owner --role=<target role>} and runs the database's checks on it. A dry
 * run stops before the first change. Restoring never applies federation bundles: it writes what
 * the backup holds and nothing else. An unlisted dump (no manifest) is restored into staging first
 * to learn what it is (node role, schema version), then checked like the others.
 */
@ApplicationScoped
public class OperatorRestore {
    private final BackupCatalogue catalogue;
    private final ObjectStore store;
    private final ObjectLayout layout;
    private final ManifestTrust trust;
    private final StagingServer staging;
    private final StreamingRestore restore;
    private final RestoreChecks checks;

    private final String bucket;
    private final java.time.Duration socketTimeout;

    public OperatorRestore(BackupCatalogue catalogue, ObjectStore store, ObjectLayout layout, ManifestTrust trust,
            StagingServer staging, StreamingRestore restore, RestoreChecks checks,
            org.amyterm.backup.objectstore.ObjectStoreConfig storeConfig, VerifierConfig config) {
        this.bucket = storeConfig.bucket();
        this.socketTimeout = config.restore().socketTimeout();
        this.catalogue = catalogue;
        this.store = store;
        this.layout = layout;
        this.trust = trust;
        this.staging = staging;
        this.restore = restore;
        this.checks = checks;
    }

    /** Runs the restore, saying each step to {@code progress}; the event to publish, or empty after a dry run. */
    public Optional<RestoreCompleted> run(RestoreRequest request, Consumer<String> progress) {
        Manifest manifest;
        StreamingRestore.Source source;
        List<String> toRevoke = null;
        if (request.unlisted()) {
            // no manifest: the restore test on staging comes first, and says what the backup is
            source = unlistedSource(request);
            Manifest bare = bareManifest(request);
            progress.accept("restoring " + bare.object().key() + " without a manifest: no signature, checksums or "
                    + "inventory to compare; its OpenPGP integrity code and a restore test on staging vouch for it");
            StagingFacts facts = testOnStaging(bare, source, request, progress);
            manifest = withFacts(bare, facts);
            toRevoke = facts.toRevoke();
        } else {
            manifest = trustedManifest(request, progress);
            String key = manifest.object().key();
            source = () -> store.open(key);
        }
        PgTarget into = new PgTarget(request.targetHost(), request.targetPort(), request.targetUser(),
                Optional.ofNullable(request.targetPassword()), request.targetDatabase(),
                List.of("--role=" + request.targetUser()));
        TargetServer target = new TargetServer(into, socketTimeout);
        RestoreSafetyChecks safeguards = new RestoreSafetyChecks(request, manifest, target, progress);
        safeguards.nodeRole();
        safeguards.schemaVersion();
        RestoreSafetyChecks.Plan plan = onTarget(manifest, request, () -> safeguards.target());
        String globals = plan.rolesToCreate().isEmpty() ? null : restore.globals(manifest, Stage.RESTORE);
        if (toRevoke == null) {
            toRevoke = testOnStaging(manifest, source, request, progress).toRevoke();
        }
        if (request.dryRun()) {
            progress.accept("dry run: every check passed; nothing on the target was changed");
            return Optional.empty();
        }
        Instant started = Instant.now();
        onTarget(manifest, request, () -> {
            if (plan.createDatabase()) {
                target.createDatabase();
                progress.accept("created database " + request.targetDatabase());
            }
            // asked again: a role made meanwhile (by someone, or by the staging test on the same server) stays as it is
            List<String> stillMissing = plan.rolesToCreate().isEmpty() ? List.of() : target.missingRoles(plan.rolesToCreate());
            if (!stillMissing.isEmpty()) {
                target.createRoles(RoleStatements.of(globals, stillMissing));
                progress.accept("created roles " + stillMissing + " from the backup's globals (without passwords)");
            }
            return null;
        });
        progress.accept("restoring into " + into + " (pg_restore --no-owner --role=" + request.targetUser() + ")");
        List<String> warnings = restore.restore(manifest, source, into, Stage.RESTORE);
        long restoreMillis = Duration.between(started, Instant.now()).toMillis();
        List<String> revoke = toRevoke;
        if (!revoke.isEmpty()) {
            int revoked = onTarget(manifest, request, () -> {
                try (Connection restored = target.connect(request.targetDatabase())) {
                    return TrustConfig.revoke(restored, revoke);
                }
            });
            progress.accept("federation trust: revoked " + revoked + " key(s) the given configuration does not trust "
                    + revoke + " (--apply-trust-config), before federation could use them");
        }
        progress.accept("restored in " + restoreMillis + " ms; checking the target");
        List<CheckResult> results = onTarget(manifest, request, () -> {
            try (Connection restored = target.connect(request.targetDatabase())) {
                return checks.runOnTarget(restored, into, manifest, warnings).results();
            }
        });
        results.forEach(r -> progress.accept((r.passed() ? "ok   " : "FAIL ") + r.name() + ": " + r.detail()));
        List<String> failed = results.stream().filter(r -> !r.passed()).map(CheckResult::name).toList();
        if (!failed.isEmpty()) {
            throw new StageException(manifest.backupId(), manifest.database(), Stage.RESTORE, FailureReason.CHECK_FAILED,
                    "the restored target " + request.targetDatabase() + " failed check(s) " + failed
                            + ": keep the application stopped and investigate");
        }
        return Optional.of(new RestoreCompleted(manifest.backupId(), manifest.database(), request.targetDatabase(),
                request.allowRoleChange() ? NodeRole.fromCode(request.nodeRole()) : manifest.nodeRole(),
                request.requestedBy(), restoreMillis, results, Instant.now()));
    }

    private Manifest trustedManifest(RestoreRequest request, Consumer<String> progress) {
        BackupSummary backup = chosen(request);
        String manifestKey = layout.manifestKey(backup.database(), backup.backupId());
        String text = read(backup, manifestKey).orElseThrow(() -> new StageException(backup.backupId(), backup.database(),
                Stage.RESTORE, FailureReason.BACKUP_NOT_FOUND, "manifest " + manifestKey + " is missing"));
        Manifest manifest = trust.trusted(backup.backupId(), backup.database(), Stage.RESTORE, text,
                read(backup, layout.manifestSignatureKey(backup.database(), backup.backupId())));
        if (!manifest.object().sha256().equalsIgnoreCase(backup.manifest().object().sha256())) {
            // the backup was chosen (as last known good, say) by a manifest that has changed since
            throw new StageException(backup.backupId(), backup.database(), Stage.RESTORE, FailureReason.MANIFEST_UNTRUSTED,
                    "the manifest of " + backup.backupId() + " changed while it was being restored from: "
                            + "nothing was restored; find out who wrote it");
        }
        progress.accept("backup " + backup.backupId() + " of " + backup.database() + " (" + backup.state().name()
                .toLowerCase(java.util.Locale.ROOT) + "), its manifest signed by a trusted key and bound to its folder");
        return manifest;
    }

    private BackupSummary chosen(RestoreRequest request) {
        Optional<BackupSummary> backup = RestoreRequest.LAST_KNOWN_GOOD.equals(request.backup())
                ? catalogue.lastKnownGood(request.database()) : catalogue.find(request.database(), request.backup());
        BackupSummary found = backup.orElseThrow(() -> new StageException(null, request.database(), Stage.RESTORE,
                FailureReason.BACKUP_NOT_FOUND, RestoreRequest.LAST_KNOWN_GOOD.equals(request.backup())
                        ? "database " + request.database() + " has no backup that passed its restore test"
                        : "no backup " + request.backup() + " of " + request.database() + " in the bucket"));
        if (found.manifest() == null || found.expired() != null) {
            throw new StageException(found.backupId(), found.database(), Stage.RESTORE, FailureReason.BACKUP_NOT_FOUND,
                    "backup " + found.backupId() + " has no stored dump (" + found.state().name().toLowerCase(java.util.Locale.ROOT)
                            + ")");
        }
        return found;
    }

    /**
     * What the restore test on staging learnt: the keys to revoke on the target (with
     * {@code --apply-trust-config}), and the node role and schema version the restored copy states.
     */
    private record StagingFacts(List<String> toRevoke, NodeRole nodeRole, String schemaVersion,
            org.amyterm.backup.contracts.DumpDetails checkedAs) {
    }

    /**
     * The restore test on staging, before the target is touched; also compares the federation trust
     * configuration.
     */
    private StagingFacts testOnStaging(Manifest manifest, StreamingRestore.Source source, RestoreRequest request,
            Consumer<String> progress) {
        String database = staging.databaseFor(manifest.backupId());
        staging.prepareRoles(manifest, Stage.RESTORE);
        try {
            staging.create(database);
            progress.accept("restoring into staging first (" + database + ") to check the backup before the target");
            List<String> warnings = restore.restore(manifest, source, staging.target(database), Stage.RESTORE);
            try (Connection restored = staging.connect(database)) {
                Manifest checkedAs = request.unlisted() ? profiled(manifest, restored, progress) : manifest;
                List<CheckResult> results = checks.run(restored, staging.target(database), checkedAs, warnings).results();
                List<String> failed = results.stream().filter(r -> !r.passed()).map(r -> r.name() + ": " + r.detail()).toList();
                if (!failed.isEmpty()) {
                    throw new StageException(manifest.backupId(), manifest.database(), Stage.RESTORE,
                            FailureReason.CHECK_FAILED, "the backup failed its checks on staging, so the target was not "
                                    + "touched: " + String.join("; ", failed));
                }
                progress.accept("staging: " + results.size() + " checks passed");
                return new StagingFacts(compareTrust(manifest, request, TrustConfig.of(restored), progress),
                        NodeFacts.role(restored), NodeFacts.schemaVersion(restored).orElse(null), checkedAs.dumpDetails());
            }
        } catch (SQLException e) {
            throw new StageException(manifest.backupId(), manifest.database(), Stage.RESTORE,
                    FailureReason.STAGING_UNAVAILABLE, "the staging server failed: " + e.getMessage(), e);
        } finally {
            try {
                staging.drop(database);
            } catch (SQLException e) {
                progress.accept("staging database " + database + " could not be dropped: " + e.getMessage());
            }
        }
    }

    /** The object or file of an unlisted restore, as a source the restore can read; a missing file refuses at once. */
    private StreamingRestore.Source unlistedSource(RestoreRequest request) {
        if (request.fromFile() != null) {
            java.nio.file.Path file = java.nio.file.Path.of(request.fromFile());
            if (!java.nio.file.Files.isRegularFile(file) || !java.nio.file.Files.isReadable(file)) {
                throw new StageException(null, request.database(), Stage.RESTORE, FailureReason.BACKUP_NOT_FOUND,
                        "no readable file " + file + " on the verifier's host");
            }
            return () -> java.nio.file.Files.newInputStream(file);
        }
        String bucket = request.fromObject().substring(0, request.fromObject().indexOf('/'));
        String key = request.fromObject().substring(bucket.length() + 1);
        if (!bucket.equals(this.bucket)) {
            throw new StageException(null, request.database(), Stage.RESTORE, FailureReason.BACKUP_NOT_FOUND,
                    "the verifier reads bucket " + this.bucket + " only, not " + bucket
                            + ": copy the object there, or fetch it and use --from-file");
        }
        return () -> store.open(key);
    }

    /** What is known of an unlisted backup before it is restored: its database, where it is, and its format. */
    private static Manifest bareManifest(RestoreRequest request) {
        String where = request.fromFile() != null ? "file " + request.fromFile() : "object " + request.fromObject();
        Instant now = Instant.now();
        return new Manifest(Manifest.FORMAT_VERSION, org.amyterm.backup.contracts.BackupId.of(now, "unlisted:" + where),
                request.database(), org.amyterm.backup.contracts.BackupReason.MANUAL, NodeRole.UNKNOWN, null, null, null,
                java.util.Map.of(), new Manifest.Archive(Manifest.Archive.PG_DUMP_CUSTOM, "zstd", 0, null),
                new Manifest.Encryption(Manifest.Encryption.OPENPGP_PUBLIC_KEY, Manifest.Encryption.AES256_SEIPD_MDC, null,
                        null), new Manifest.StoredObject(where, 0, null), now, now, now);
    }

    /**
     * The check profile of an unlisted dump, which no manifest names: {@code amyterm} for a copy
     * that says which Amy-Term node and schema it is, {@code generic} otherwise.
     */
    private static Manifest profiled(Manifest bare, Connection restored, Consumer<String> progress) throws SQLException {
        boolean amyterm = NodeFacts.schemaVersion(restored).isPresent() && NodeFacts.role(restored) != NodeRole.UNKNOWN;
        String profile = amyterm ? "amyterm" : "generic";
        progress.accept("checked with the " + profile + " profile (" + (amyterm ? "the copy has Amy-Term's schema version "
                + "and federation tables" : "the copy is not an Amy-Term node") + ")");
        return new Manifest(bare.formatVersion(), bare.backupId(), bare.database(), bare.reason(), bare.nodeRole(),
                bare.pgServerVersion(), bare.pgDumpVersion(), bare.schemaVersion(), bare.tableRowCounts(), bare.archive(),
                bare.encryption(), bare.object(), bare.dumpStartedAt(), bare.dumpFinishedAt(), bare.storedAt(),
                new org.amyterm.backup.contracts.DumpDetails("unlisted", List.of(), List.of(), List.of(), profile, null,
                        null));
    }

    /** An unlisted backup's manifest with what its restored copy says of itself, and the profile it was checked with. */
    private static Manifest withFacts(Manifest bare, StagingFacts facts) {
        return new Manifest(bare.formatVersion(), bare.backupId(), bare.database(), bare.reason(), facts.nodeRole(),
                bare.pgServerVersion(), bare.pgDumpVersion(), facts.schemaVersion(), bare.tableRowCounts(), bare.archive(),
                bare.encryption(), bare.object(), bare.dumpStartedAt(), bare.dumpFinishedAt(), bare.storedAt(),
                facts.checkedAs());
    }

    private static List<String> compareTrust(Manifest manifest, RestoreRequest request, Optional<List<String>> inBackup,
            Consumer<String> progress) {
        if (inBackup.isEmpty()) {
            progress.accept("federation trust: the backup has no federation tables; not compared");
            return List.of();
        }
        if (request.trustConfig() == null) {
            progress.accept("federation trust: " + inBackup.get().size() + " key(s) in the backup; not compared "
                    + "(no --trust-config given)");
            return List.of();
        }
        List<String> given = TrustConfig.parse(request.trustConfig());
        List<String> differences = TrustConfig.differences(inBackup.get(), given);
        if (differences.isEmpty()) {
            progress.accept("federation trust: the backup's " + inBackup.get().size() + " key(s) are the given configuration's");
            return List.of();
        }
        List<String> extra = TrustConfig.onlyIn(inBackup.get(), given);
        // applying can revoke what the backup trusts beyond the configuration; it cannot add a key it does not hold
        if (request.applyTrustConfig() && extra.size() == differences.size()) {
            progress.accept("federation trust: the backup trusts " + extra + " beyond the given configuration; they "
                    + "will be revoked on the target (--apply-trust-config)");
            return extra;
        }
        throw new RestoreRefused(manifest.backupId(), manifest.database(), FailureReason.RESTORE_TRUST_MISMATCH,
                "the backup's federation trust configuration is not the given one: " + String.join("; ", differences)
                        + ". Federation would trust other keys than intended; settle the trust configuration first"
                        + (request.applyTrustConfig() ? " (--apply-trust-config can revoke keys, not add the ones the "
                                + "backup lacks)" : ", or pass --apply-trust-config to revoke the keys it does not trust"));
    }

    /** A step on the target server; its SQL failures mapped once: unreachable (retry) or refused (a person acts). */
    private static <T> T onTarget(Manifest manifest, RestoreRequest request, TargetStep<T> step) {
        try {
            return step.run();
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            String where = request.targetUser() + "@" + request.targetHost() + ":" + request.targetPort();
            if (state.startsWith("08")) {
                throw new StageException(manifest.backupId(), manifest.database(), Stage.RESTORE,
                        FailureReason.RESTORE_TARGET_UNREACHABLE, "cannot connect to the target " + where + ": "
                                + e.getMessage(), e);
            }
            if (state.startsWith("28") || state.equals("42501")) {
                throw new RestoreRefused(manifest.backupId(), manifest.database(), FailureReason.RESTORE_ROLE_MISSING,
                        "the target " + where + " refused role " + request.targetUser() + ": " + e.getMessage()
                                + " (the target role must exist, with its password in PGPASSWORD or PGPASSFILE)");
            }
            throw new StageException(manifest.backupId(), manifest.database(), Stage.RESTORE, FailureReason.RESTORE_FAILED,
                    "the target " + where + " failed: " + e.getMessage(), e);
        }
    }

    private Optional<String> read(BackupSummary backup, String key) {
        try {
            return store.getText(key);
        } catch (ObjectStoreException e) {
            throw e.failure(backup.backupId(), backup.database(), Stage.RESTORE, "");
        }
    }

    @FunctionalInterface
    private interface TargetStep<T> {
        T run() throws SQLException;
    }
}
