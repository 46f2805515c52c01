package org.amyterm.backup.verifier.operator;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.NodeRole;

/**
 * What must hold before an operator restore touches its target (procedure sections 5 and 7), each
 * refused with its own reason: the node role and schema version the operator states are the
 * backup's; the target database is new, or empty with nobody connected; the target role may
 * create it (or in it), and every role the backup references exists (or is to be made from the
 * backup's globals). Reads only.
 */
final class RestoreSafetyChecks {
    private final RestoreRequest request;
    private final Manifest manifest;
    private final TargetServer target;
    private final Consumer<String> progress;

    RestoreSafetyChecks(RestoreRequest request, Manifest manifest, TargetServer target, Consumer<String> progress) {
        this.request = request;
        this.manifest = manifest;
        this.target = target;
        this.progress = progress;
    }

    /** What the restore must still do on the target, once every check passed. */
    record Plan(boolean createDatabase, List<String> rolesToCreate) {
    }

    void nodeRole() {
        NodeRole stated = NodeRole.fromCode(request.nodeRole());
        NodeRole recorded = manifest.nodeRole();
        if (recorded == NodeRole.UNKNOWN) {
            progress.accept("node role: the backup records none (a database without federation): federation checks skipped");
            return;
        }
        if (stated != recorded && !request.allowRoleChange()) {
            throw refused(FailureReason.RESTORE_NODE_ROLE_MISMATCH, "the backup is of a " + recorded.code()
                    + " node, the target is stated to be " + stated.code() + ": restoring it would make the node take "
                    + "another's place in the federation (--allow-role-change if that is meant)");
        }
        progress.accept("node role: " + recorded.code() + (stated == recorded ? "" : ", restored as " + stated.code()
                + " (--allow-role-change)"));
    }

    void schemaVersion() {
        if (request.expectSchemaVersion() == null) {
            return;
        }
        if (!Objects.equals(request.expectSchemaVersion(), manifest.schemaVersion())) {
            throw refused(FailureReason.RESTORE_SCHEMA_MISMATCH, "the backup's schema version is "
                    + manifest.schemaVersion() + ", not the expected " + request.expectSchemaVersion()
                    + ": the application on the target would not match it");
        }
        progress.accept("schema version: " + manifest.schemaVersion() + ", as expected");
    }

    Plan target() throws SQLException {
        TargetServer.Role role = target.role();
        boolean exists = target.databaseExists();
        String where = request.targetUser() + "@" + request.targetHost() + ":" + request.targetPort() + "/"
                + request.targetDatabase();
        if (exists) {
            List<String> sessions = target.otherSessions();
            if (!sessions.isEmpty()) {
                throw refused(FailureReason.RESTORE_TARGET_IN_USE, "database " + request.targetDatabase() + " has "
                        + sessions.size() + " other session(s): " + String.join(", ", sessions)
                        + ". Stop the application (and close other sessions) before restoring");
            }
            long objects = target.objectsIn();
            if (objects > 0) {
                throw refused(FailureReason.RESTORE_TARGET_NOT_EMPTY, "database " + request.targetDatabase() + " already "
                        + "holds " + objects + " objects: restore into a new or empty database (drop or rename this "
                        + "one first, after checking it is not the one to keep)");
            }
            if (!target.mayCreateIn()) {
                throw refused(FailureReason.RESTORE_ROLE_MISSING, "role " + role.name() + " may not create objects in "
                        + request.targetDatabase() + " (GRANT CREATE ON DATABASE and on schema public to it)");
            }
            progress.accept("target " + where + ": exists, empty, nobody connected");
        } else if (!role.superuser() && !role.createDb()) {
            throw refused(FailureReason.RESTORE_ROLE_MISSING, "database " + request.targetDatabase() + " does not exist "
                    + "and role " + role.name() + " may not create it (ALTER ROLE " + role.name() + " CREATEDB, or "
                    + "create the database owned by it)");
        } else {
            progress.accept("target " + where + ": does not exist yet; it will be created, owned by " + role.name());
        }
        List<String> referenced = manifest.dumpDetails() == null ? List.of() : manifest.dumpDetails().roles();
        List<String> missing = new ArrayList<>(target.missingRoles(referenced));
        if (!missing.isEmpty()) {
            if (!request.createRoles()) {
                throw refused(FailureReason.RESTORE_ROLE_MISSING, "the backup references roles the target server "
                        + "lacks: " + missing + " (create them, or pass --create-roles to make them from the backup's "
                        + "globals)");
            }
            if (!role.superuser() && !role.createRole()) {
                throw refused(FailureReason.RESTORE_ROLE_MISSING, "--create-roles needs CREATEROLE, which role "
                        + role.name() + " lacks; the missing roles are " + missing);
            }
            progress.accept("roles: " + missing + " will be created from the backup's globals");
        } else {
            progress.accept("roles: every role the backup references exists (" + referenced.size() + ")");
        }
        return new Plan(!exists, missing);
    }

    private RestoreRefused refused(FailureReason reason, String message) {
        return new RestoreRefused(manifest.backupId(), manifest.database(), reason, message);
    }
}
