package org.amyterm.backup.verifier.operator;

import java.util.List;

/**
 * An operator's restore: which backup of which database ({@code last-known-good} or an id; or,
 * without a manifest, an object of the bucket {@code fromObject} as {@code BUCKET/KEY} or a file on
 * the verifier's host {@code fromFile}), the
 * target (server, role and its password, database), the node role it is meant to have, and the
 * safeguards to relax or add; for a selective restore, the {@code schemas} and {@code tables}
 * ({@code SCHEMA.TABLE}) to restore, the {@code excludeTables} to leave out, and {@code intoSchema},
 * a new schema of an existing, running target database to restore the chosen tables into.
 * {@code toString} never shows the password.
 */
public record RestoreRequest(
        String database,
        String backup,
        String targetHost,
        Integer targetPort,
        String targetUser,
        String targetPassword,
        String targetDatabase,
        String nodeRole,
        String expectSchemaVersion,
        boolean allowRoleChange,
        boolean createRoles,
        List<String> trustConfig,
        boolean applyTrustConfig,
        boolean dryRun,
        String requestedBy,
        String fromObject,
        String fromFile,
        List<String> schemas,
        List<String> tables,
        List<String> excludeTables,
        String intoSchema) {

    public static final String LAST_KNOWN_GOOD = org.amyterm.backup.verifier.trust.TrustedBackups.LAST_KNOWN_GOOD;

    public RestoreRequest {
        trustConfig = trustConfig == null ? null : List.copyOf(trustConfig);
        schemas = schemas == null ? List.of() : List.copyOf(schemas);
        tables = tables == null ? List.of() : List.copyOf(tables);
        excludeTables = excludeTables == null ? List.of() : List.copyOf(excludeTables);
    }

    /** Whether it restores chosen schemas or tables rather than the whole database. */
    public boolean selective() {
        return !schemas.isEmpty() || !tables.isEmpty() || !excludeTables.isEmpty() || intoSchema != null;
    }

    /** Whether it restores an object that is not in the catalogue ({@code fromObject}, {@code fromFile}): no manifest. */
    public boolean unlisted() {
        return fromObject != null || fromFile != null;
    }

    @Override
    public String toString() {
        return "RestoreRequest[" + database + " " + (unlisted() ? (fromObject != null ? fromObject : fromFile) : backup) + " → " + targetUser + "@" + targetHost + ":" + targetPort + "/"
                + targetDatabase + ", password ***, node role " + nodeRole + (selective() ? ", schemas " + schemas + ", tables "
                + tables + ", excluding " + excludeTables + (intoSchema == null ? "" : ", into schema " + intoSchema) : "")
                + (dryRun ? ", dry run" : "") + "]";
    }
}
