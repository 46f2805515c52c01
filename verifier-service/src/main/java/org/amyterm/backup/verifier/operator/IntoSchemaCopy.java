package org.amyterm.backup.verifier.operator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.pgtools.PgClientProcess;
import org.amyterm.backup.pgtools.archive.SubsetSelection;
import org.amyterm.backup.pgtools.archive.TocEntry;
import org.amyterm.backup.verifier.restore.PgRestoreErrors;
import org.amyterm.backup.verifier.restore.PgTarget;

/**
 * Brings chosen tables back beside a running database, into a new schema of it, touching nothing
 * else: the subset is restored into staging and checked there (by the caller), moved into the new
 * schema there, and that schema alone is copied to the target by {@code pg_dump --schema} piped into
 * {@code pg_restore --single-transaction --no-owner --no-privileges}, so the target gets all of it or
 * nothing. No role, extension or existing object of the target is changed; the application keeps its
 * sessions. Functions and types the tables use stay where the target already has them.
 */
final class IntoSchemaCopy {
    private final java.util.Optional<java.nio.file.Path> pgBinDir;
    private final Duration timeout;

    IntoSchemaCopy(java.util.Optional<java.nio.file.Path> pgBinDir, Duration timeout) {
        this.pgBinDir = pgBinDir;
        this.timeout = timeout;
    }

    /** Refuses, each with its own reason, unless the target can take the schema; reads only. */
    void refuseUnlessPossible(TargetServer target, RestoreRequest request, Manifest manifest,
            SubsetSelection.Subset subset, Consumer<String> progress) throws SQLException {
        String schema = request.intoSchema();
        String database = request.targetDatabase();
        if (!target.databaseExists()) {
            throw refused(manifest, FailureReason.RESTORE_TARGET_LACKS_DEPENDENCY, "database " + database + " does not "
                    + "exist: --into-schema restores beside an existing database (without it, a new database is made)");
        }
        Set<String> names = new HashSet<>();
        for (TocEntry relation : subset.relations()) {
            if (!names.add(relation.tag())) {
                throw refused(manifest, FailureReason.RESTORE_SUBSET_UNKNOWN, "two chosen tables are named "
                        + relation.tag() + ": they cannot both go into schema " + schema + "; restore them one at a time");
            }
        }
        try (Connection c = target.connect(database)) {
            if (exists(c, "SELECT 1 FROM pg_namespace WHERE nspname = ?", schema)) {
                throw refused(manifest, FailureReason.RESTORE_SCHEMA_EXISTS, "schema " + schema + " already exists in "
                        + database + ": choose a new name (an existing schema is never written into)");
            }
            if (!mayCreateSchema(c)) {
                throw refused(manifest, FailureReason.RESTORE_NO_CREATE_PRIVILEGE, "role " + request.targetUser()
                        + " may not create a schema in " + database + " (GRANT CREATE ON DATABASE " + database + " TO "
                        + request.targetUser() + ")");
            }
            List<String> missing = new ArrayList<>();
            for (TocEntry extension : subset.of("EXTENSION")) {
                if (!exists(c, "SELECT 1 FROM pg_extension WHERE extname = ?", extension.tag())) {
                    missing.add("extension " + extension.tag());
                }
            }
            for (TocEntry e : subset.entries()) {
                boolean function = List.of("FUNCTION", "PROCEDURE", "AGGREGATE").contains(e.desc());
                boolean type = List.of("TYPE", "DOMAIN").contains(e.desc());
                if ((function || type) && !present(c, e, function)) {
                    missing.add(e.desc().toLowerCase(java.util.Locale.ROOT) + " " + e.namespace() + "." + e.tag());
                }
            }
            if (!missing.isEmpty()) {
                throw refused(manifest, FailureReason.RESTORE_TARGET_LACKS_DEPENDENCY, "the chosen tables need "
                        + String.join(", ", missing) + ", which " + database + " lacks (adding one changes the "
                        + "database: do it yourself first, if it is wanted)");
            }
        }
        progress.accept("target " + request.targetUser() + "@" + request.targetHost() + ":" + request.targetPort() + "/"
                + database + ": exists, schema " + schema + " is new, the role may create it, and what the tables need "
                + "is there; its sessions keep running");
    }

    /** In the staging copy: the chosen tables and views moved into the new schema, with what they own. */
    void moveInStaging(Connection staging, SubsetSelection.Subset subset, String schema) throws SQLException {
        try (Statement st = staging.createStatement()) {
            st.execute("CREATE SCHEMA " + TargetServer.quote(schema));
            for (TocEntry relation : subset.relations()) {
                st.execute("ALTER " + relation.desc() + " " + TargetServer.quote(relation.namespace()) + "."
                        + TargetServer.quote(relation.tag()) + " SET SCHEMA " + TargetServer.quote(schema));
            }
        }
    }

    /** Copies the schema from staging to the target in one transaction: all of it, or nothing. */
    void copy(PgTarget from, PgTarget to, String schema, Manifest manifest) {
        List<String> dump = List.of(PgClientProcess.executable(pgBinDir, "pg_dump"), "--format=custom", "--compress=0",
                "--schema=" + schema, "--no-owner", "--no-privileges", "--host=" + from.host(), "--port=" + from.port(),
                "--username=" + from.user(), "--no-password", "--dbname=" + from.database());
        List<String> restore = List.of(PgClientProcess.executable(pgBinDir, "pg_restore"), "--single-transaction",
                "--exit-on-error", "--no-owner", "--no-privileges", "--role=" + to.user(), "--host=" + to.host(),
                "--port=" + to.port(), "--username=" + to.user(), "--no-password", "--dbname=" + to.database());
        try (PgClientProcess pgDump = PgClientProcess.start(dump, from.password());
                PgClientProcess pgRestore = PgClientProcess.start(restore, to.password())) {
            pgDump.stdin().close();
            Thread pipe = new Thread(() -> pipe(pgDump.stdout(), pgRestore.stdin()), "into-schema-pipe");
            pipe.setDaemon(true);
            pipe.start();
            int dumped = pgDump.await(timeout);
            int restored = pgRestore.await(timeout);
            pipe.join(Duration.ofSeconds(10).toMillis());
            if (dumped != 0) {
                throw new StageException(manifest.backupId(), manifest.database(), Stage.RESTORE,
                        FailureReason.STAGING_UNAVAILABLE, "pg_dump of schema " + schema + " from staging exited with "
                                + dumped + ": " + PgRestoreErrors.reduce(pgDump.stderrTail()) + "; the target is unchanged");
            }
            if (restored != 0) {
                throw new StageException(manifest.backupId(), manifest.database(), Stage.RESTORE,
                        FailureReason.RESTORE_FAILED, "pg_restore into " + to.database() + " exited with " + restored
                                + ": " + PgRestoreErrors.reduce(pgRestore.stderrTail()) + "; it ran in one transaction, "
                                + "so the target is unchanged");
            }
        } catch (IOException e) {
            throw new StageException(manifest.backupId(), manifest.database(), Stage.RESTORE,
                    FailureReason.RESTORE_TOOL_MISSING, "pg_dump or pg_restore cannot be run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StageException(manifest.backupId(), manifest.database(), Stage.RESTORE, FailureReason.UNEXPECTED,
                    "the verifier was stopped while copying schema " + schema, e);
        }
    }

    private static void pipe(InputStream from, OutputStream to) {
        try (from; to) {
            from.transferTo(to);
        } catch (IOException stopped) {
            // one side ended early; its exit code says why
        }
    }

    private static boolean present(Connection c, TocEntry e, boolean function) throws SQLException {
        String name = function ? e.tag().substring(0, Math.max(0, e.tag().indexOf('('))) : e.tag();
        String arguments = function ? e.tag().substring(Math.max(0, e.tag().indexOf('('))) : "";
        String sql = function ? "SELECT 1 WHERE to_regprocedure(quote_ident(?) || '.' || quote_ident(?) || ?) IS NOT NULL"
                : "SELECT 1 WHERE to_regtype(quote_ident(?) || '.' || quote_ident(?) || ?) IS NOT NULL";
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, e.namespace());
            st.setString(2, name);
            st.setString(3, arguments);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean mayCreateSchema(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT has_database_privilege(current_database(), 'CREATE')")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static boolean exists(Connection c, String sql, String parameter) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, parameter);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static RestoreRefused refused(Manifest manifest, FailureReason reason, String message) {
        return new RestoreRefused(manifest.backupId(), manifest.database(), reason, message);
    }
}
