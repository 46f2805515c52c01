package org.amyterm.backup.verifier.operator;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.NodeRole;
import org.amyterm.backup.contracts.RestoreCompleted;
import org.amyterm.backup.contracts.RestoreSubset;
import org.amyterm.backup.pgtools.archive.SubsetSelection;
import org.amyterm.backup.verifier.trust.TrustedBackups;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.verifier.checks.RestoreChecks;
import org.amyterm.backup.verifier.config.VerifierConfig;
import org.amyterm.backup.verifier.restore.PgTarget;
import org.amyterm.backup.verifier.restore.StagingServer;
import org.amyterm.backup.verifier.restore.StreamingRestore;

/**
 * "Restore to last known good" (procedure sections 5 and 7): picks the backup, trusts its manifest
 * only if signed, runs every {@link RestoreSafetyChecks safeguard} against the target, restores
 * the backup into staging and checks it there (and compares its federation trust configuration),
 * and only then creates the target (and missing roles, if asked), restores with
 * {@code pg_restore --no-owner --role=<target role>} and runs the database's checks on it. A dry
 * run stops before the first change. Restoring never applies federation bundles: it writes what
 * the backup holds and nothing else. An unlisted dump (no manifest) is restored into staging first
 * to learn what it is (node role, schema version), then checked like the others. A selective
 * restore reads the archive's table of contents first, chooses the entries of the schemas and tables
 * asked for ({@link SubsetSelection}), and restores and checks only those, on staging and then on a
 * new or empty target, or (with {@code intoSchema}) copies them into a new schema of a running
 * database ({@link IntoSchemaCopy}).
 */
@ApplicationScoped
public class OperatorRestore {
    private final TrustedBackups backups;
    private final ObjectStore store;
    private final StagingServer staging;
    private final StreamingRestore restore;
    private final RestoreChecks checks;
    private final IntoSchemaCopy intoSchema;

    private final String bucket;
    private final java.time.Duration socketTimeout;
    private final java.nio.file.Path workDir;

    public OperatorRestore(TrustedBackups backups, ObjectStore store, StagingServer staging, StreamingRestore restore,
            RestoreChecks checks, org.amyterm.backup.objectstore.ObjectStoreConfig storeConfig, VerifierConfig config) {
        this.bucket = storeConfig.bucket();
        this.socketTimeout = config.restore().socketTimeout();
        this.workDir = config.restore().workDir();
        this.backups = backups;
        this.store = store;
        this.staging = staging;
        this.restore = restore;
        this.checks = checks;
        this.intoSchema = new IntoSchemaCopy(config.restore().pgBinDir(), config.restore().timeout());
    }

    /**
     * What a selective restore restores: the chosen entries, the {@code pg_restore --use-list} file
     * naming them, and the manifest limited to them (what the checks expect).
     */
    private record Selection(SubsetSelection.Subset subset, java.nio.file.Path useList, Manifest limited) {
        PgTarget restoring(PgTarget target) {
            List<String> options = new java.util.ArrayList<>(target.options());
            options.add("--use-list=" + useList);
            return new PgTarget(target.host(), target.port(), target.user(), target.password(), target.database(), options);
        }
    }

    /** Runs the restore, saying each step to {@code progress}; the event to publish, or empty after a dry run. */
    public Optional<RestoreCompleted> run(RestoreRequest request, Consumer<String> progress) {
        Selection selection = null;
        try {
            if (request.selective()) {
                Manifest manifest = backups.manifest(request.database(), request.backup(), Stage.RESTORE, progress);
                selection = select(manifest, request, progress);
                return request.intoSchema() != null ? runIntoSchema(manifest, selection, request, progress)
                        : run(manifest, () -> store.open(manifest.object().key()), selection, request, progress);
            }
            if (request.unlisted()) {
                return run(null, null, null, request, progress);
            }
            Manifest manifest = backups.manifest(request.database(), request.backup(), Stage.RESTORE, progress);
            return run(manifest, () -> store.open(manifest.object().key()), null, request, progress);
        } finally {
            if (selection != null) {
                try {
                    java.nio.file.Files.deleteIfExists(selection.useList());
                } catch (java.io.IOException e) {
                    progress.accept("the list file " + selection.useList() + " could not be deleted: " + e.getMessage());
                }
            }
        }
    }

    private Optional<RestoreCompleted> run(Manifest listed, StreamingRestore.Source listedSource, Selection selection,
            RestoreRequest request, Consumer<String> progress) {
        Manifest manifest;
        StreamingRestore.Source source;
        List<String> toRevoke = null;
        if (request.unlisted()) {
            // no manifest: the restore test on staging comes first, and says what the backup is
            source = unlistedSource(request);
            Manifest bare = bareManifest(request);
            progress.accept("restoring " + bare.object().key() + " without a manifest: no signature, checksums or "
                    + "inventory to compare; its OpenPGP integrity code and a restore test on staging vouch for it");
            StagingFacts facts = testOnStaging(bare, source, request, null, progress, null);
            manifest = withFacts(bare, facts);
            toRevoke = facts.toRevoke();
        } else {
            manifest = listed;
            source = listedSource;
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
            toRevoke = testOnStaging(manifest, source, request, selection, progress, null).toRevoke();
        }
        if (request.dryRun()) {
            dryRunDone(selection, progress);
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
        List<String> warnings = restore.restore(manifest, source, selection == null ? into : selection.restoring(into),
                Stage.RESTORE);
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
                return selection == null ? checks.runOnTarget(restored, into, manifest, warnings).results()
                        : checks.runOnSubset(restored, selection.limited(), warnings, null);
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
                request.requestedBy(), restoreMillis, results, Instant.now(),
                selection == null ? null : subsetOf(request, selection, RestoreSubset.SUBSET)));
    }

    /**
     * Chosen tables brought back into a new schema of a running database: checked on staging, moved
     * into the schema there, copied to the target in one transaction, checked on the target.
     */
    private Optional<RestoreCompleted> runIntoSchema(Manifest manifest, Selection selection, RestoreRequest request,
            Consumer<String> progress) {
        PgTarget into = new PgTarget(request.targetHost(), request.targetPort(), request.targetUser(),
                Optional.ofNullable(request.targetPassword()), request.targetDatabase(), List.of());
        TargetServer target = new TargetServer(into, socketTimeout);
        onTarget(manifest, request, () -> {
            intoSchema.refuseUnlessPossible(target, request, manifest, selection.subset(), progress);
            return null;
        });
        long[] copyMillis = new long[1];
        testOnStaging(manifest, () -> store.open(manifest.object().key()), request, selection, progress,
                request.dryRun() ? null : (database, restored) -> {
                    intoSchema.moveInStaging(restored, selection.subset(), request.intoSchema());
                    progress.accept("staging: moved " + selection.subset().relations().size() + " table(s) into schema "
                            + request.intoSchema() + "; copying it to " + request.targetDatabase() + " in one transaction "
                            + "(pg_dump --schema | pg_restore --single-transaction --no-owner --no-privileges)");
                    long started = System.nanoTime();
                    intoSchema.copy(staging.target(database), into, request.intoSchema(), manifest);
                    copyMillis[0] = (System.nanoTime() - started) / 1_000_000;
                });
        if (request.dryRun()) {
            dryRunDone(selection, progress);
            return Optional.empty();
        }
        progress.accept("copied into " + request.targetDatabase() + "." + request.intoSchema() + " in " + copyMillis[0]
                + " ms; checking it there");
        Manifest moved = SubsetManifest.movedInto(manifest, selection.subset(), request.intoSchema());
        List<CheckResult> results = onTarget(manifest, request, () -> {
            try (Connection restored = target.connect(request.targetDatabase())) {
                return checks.runOnSubset(restored, moved, List.of(), request.intoSchema());
            }
        });
        results.forEach(r -> progress.accept((r.passed() ? "ok   " : "FAIL ") + r.name() + ": " + r.detail()));
        List<String> failed = results.stream().filter(r -> !r.passed()).map(CheckResult::name).toList();
        if (!failed.isEmpty()) {
            throw new StageException(manifest.backupId(), manifest.database(), Stage.RESTORE, FailureReason.CHECK_FAILED,
                    "schema " + request.intoSchema() + " of " + request.targetDatabase() + " failed check(s) " + failed
                            + ": do not copy rows from it; drop it (DROP SCHEMA " + request.intoSchema() + " CASCADE) "
                            + "and investigate");
        }
        progress.accept("compare " + request.intoSchema() + ".* with the live tables, then copy back the rows you need; "
                + "DROP SCHEMA " + request.intoSchema() + " CASCADE when done");
        return Optional.of(new RestoreCompleted(manifest.backupId(), manifest.database(), request.targetDatabase(),
                manifest.nodeRole(), request.requestedBy(), copyMillis[0], results, Instant.now(),
                subsetOf(request, selection, RestoreSubset.INTO_SCHEMA)));
    }

    /** Reads the archive's table of contents and chooses the subset; refuses a choice the backup cannot serve. */
    private Selection select(Manifest manifest, RestoreRequest request, Consumer<String> progress) {
        StreamingRestore.TableOfContents read = restore.tableOfContents(manifest, Stage.RESTORE);
        progress.accept("table of contents: " + read.toc().entries().size() + " entries, read from the first "
                + read.objectBytesRead() + " of " + manifest.object().bytes() + " bytes of the object");
        SubsetSelection.Subset subset;
        try {
            subset = SubsetSelection.select(read.toc(), request.schemas(), request.tables(), request.excludeTables());
        } catch (IllegalArgumentException e) {
            throw new RestoreRefused(manifest.backupId(), manifest.database(), FailureReason.RESTORE_SUBSET_UNKNOWN,
                    e.getMessage());
        }
        if (subset.relations().isEmpty()) {
            throw new RestoreRefused(manifest.backupId(), manifest.database(), FailureReason.RESTORE_SUBSET_UNKNOWN,
                    "the choice holds no table to restore");
        }
        progress.accept("subset: " + subset.relations().size() + " table(s) and view(s) "
                + subset.relations().stream().map(e -> e.namespace() + "." + e.tag()).toList() + ", "
                + subset.useList().size() + " objects in all");
        subset.leftOut().forEach(l -> progress.accept("left out: " + l));
        return new Selection(subset, useListFile(manifest, subset), SubsetManifest.limitedTo(manifest, subset));
    }

    /** The list file pg_restore is given (object names only, never rows), private to the verifier. */
    private java.nio.file.Path useListFile(Manifest manifest, SubsetSelection.Subset subset) {
        try {
            java.nio.file.Files.createDirectories(workDir);
            java.nio.file.Path file = java.nio.file.Files.createTempFile(workDir, "use-list-", ".txt",
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            java.nio.file.Files.write(file, subset.useList());
            return file;
        } catch (java.io.IOException e) {
            throw new StageException(manifest.backupId(), manifest.database(), Stage.RESTORE,
                    FailureReason.STAGING_UNAVAILABLE, "cannot write the restore's list file in "
                            + workDir + " (amyterm.verifier.restore.work-dir): " + e.getMessage(), e);
        }
    }

    private static void dryRunDone(Selection selection, Consumer<String> progress) {
        if (selection != null) {
            progress.accept("would restore exactly:");
            selection.subset().entries().stream().filter(org.amyterm.backup.pgtools.archive.TocEntry::listed)
                    .forEach(e -> progress.accept("  " + e.describe()));
        }
        progress.accept("dry run: every check passed; nothing on the target was changed");
    }

    private static RestoreSubset subsetOf(RestoreRequest request, Selection selection, String mode) {
        return new RestoreSubset(mode, request.schemas(), request.tables(), request.excludeTables(), request.intoSchema(),
                selection.subset().relations().stream().map(e -> e.namespace() + "." + e.tag()).toList(),
                selection.subset().leftOut().stream().map(Object::toString).toList());
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
            Selection selection, Consumer<String> progress, StagingThen then) {
        String database = staging.databaseFor(manifest.backupId());
        staging.prepareRoles(manifest, Stage.RESTORE);
        try {
            staging.create(database);
            progress.accept("restoring into staging first (" + database + ") to check the backup before the target");
            List<String> warnings = restore.restore(manifest, source, selection == null ? staging.target(database)
                    : selection.restoring(staging.target(database)), Stage.RESTORE);
            try (Connection restored = staging.connect(database)) {
                Manifest checkedAs = request.unlisted() ? profiled(manifest, restored, progress) : manifest;
                List<CheckResult> results = selection != null
                        ? checks.runOnSubset(restored, selection.limited(), warnings, null)
                        : checks.run(restored, staging.target(database), checkedAs, warnings).results();
                List<String> failed = results.stream().filter(r -> !r.passed()).map(r -> r.name() + ": " + r.detail()).toList();
                if (!failed.isEmpty()) {
                    throw new StageException(manifest.backupId(), manifest.database(), Stage.RESTORE,
                            FailureReason.CHECK_FAILED, "the backup failed its checks on staging, so the target was not "
                                    + "touched: " + String.join("; ", failed));
                }
                progress.accept("staging: " + results.size() + " checks passed");
                if (then != null) {
                    then.run(database, restored);
                }
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

    /** A step on the checked staging copy, before it is dropped. */
    @FunctionalInterface
    private interface StagingThen {
        void run(String database, Connection restored) throws SQLException;
    }

    @FunctionalInterface
    private interface TargetStep<T> {
        T run() throws SQLException;
    }
}
