package org.amyterm.backup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code restore DATABASE}: restore a backup (by default the last known good) into a target
 * database, after every safeguard passed; with {@code --dry-run} only the safeguards. With
 * {@code --schema}, {@code --table} or {@code --exclude-table} only those objects (and what they need);
 * with {@code --into-schema NAME} the chosen tables go into a new schema of a running database. The verifier
 * service runs it (it holds the decryption key); this command sends the request, with the target's
 * password from PGPASSWORD or PGPASSFILE, and prints each step as it happens.
 */
@Command(name = "restore", description = "Restore a backup of DATABASE into a target database, safely.")
final class RestoreCommand implements Callable<Integer> {

    @ParentCommand
    AmytermBackup root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DATABASE")
    String database;

    @Option(names = "--backup", paramLabel = "last-known-good|BACKUP_ID", defaultValue = "last-known-good",
            description = "Which backup (default ${DEFAULT-VALUE}: the newest that passed its restore test).")
    String backup;

    @Option(names = "--from-object", paramLabel = "BUCKET/KEY", description = "Restore an encrypted dump that is not "
            + "in the catalogue (its manifest lost, say), from the verifier's bucket: no signature or checksums to check.")
    String fromObject;

    @Option(names = "--from-file", paramLabel = "PATH", description = "The same, from a file on the verifier service's host.")
    String fromFile;

    @Option(names = "--target-url", required = true, paramLabel = "postgresql://USER@HOST:PORT",
            description = "The target server and the role to restore as (its password: PGPASSWORD or PGPASSFILE, never here).")
    URI targetUrl;

    @Option(names = "--target-db", required = true, paramLabel = "NAME", description = "The database to restore into: "
            + "new, or empty with nobody connected (with --into-schema: the existing database to restore beside).")
    String targetDb;

    @Option(names = "--node-role", paramLabel = "central|regional", description = "The federation role the target node "
            + "has (required, except with --into-schema).")
    String nodeRole;

    @Option(names = "--schema", paramLabel = "NAME", description = "Restore only this schema, with what its objects need "
            + "(repeatable).")
    List<String> schemas = new java.util.ArrayList<>();

    @Option(names = "--table", paramLabel = "SCHEMA.TABLE", description = "Restore only this table, with its data, "
            + "sequences, indexes, constraints, triggers and the functions they call (repeatable); a foreign key to a "
            + "table not restored is left out and named.")
    List<String> tables = new java.util.ArrayList<>();

    @Option(names = "--exclude-table", paramLabel = "SCHEMA.TABLE", description = "Leave this table out (repeatable).")
    List<String> excludeTables = new java.util.ArrayList<>();

    @Option(names = "--into-schema", paramLabel = "NAME", description = "Restore the chosen tables into the new schema NAME "
            + "of the existing target database, beside its running application, changing nothing else; then compare and "
            + "copy rows back yourself.")
    String intoSchema;

    @Option(names = "--trust-config", paramLabel = "FILE", description = "The federation trust configuration the node must have "
            + "(lines 'KEY_ID SHA256-OF-PEM'); the restore stops if the backup's differs.")
    Path trustConfig;

    @Option(names = "--apply-trust-config", description = "Where the backup trusts keys --trust-config does not, "
            + "revoke them on the restored target (before federation can use them) instead of refusing.")
    boolean applyTrustConfig;

    @Option(names = "--expect-schema-version", paramLabel = "VERSION", description = "Refuse unless the backup has this schema version.")
    String expectSchemaVersion;

    @Option(names = "--allow-role-change", description = "Restore a backup of a node with another federation role.")
    boolean allowRoleChange;

    @Option(names = "--create-roles", description = "Create the roles the backup references that the target lacks, from its globals (without passwords).")
    boolean createRoles;

    @Option(names = "--dry-run", description = "Run every check, including a restore test on staging; change nothing on the target.")
    boolean dryRun;

    @Option(names = "--timeout", description = "Give up waiting after this long (default ${DEFAULT-VALUE}).",
            defaultValue = "6h", converter = Durations.class)
    Duration timeout;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (nodeRole == null && intoSchema == null) {
            throw new CliException(ExitCode.USAGE, "--node-role central|regional is required (except with --into-schema)");
        }
        if (intoSchema != null && schemas.isEmpty() && tables.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "--into-schema needs the tables to bring back: --table SCHEMA.TABLE or "
                    + "--schema NAME");
        }
        TargetUrl target = TargetUrl.parse(targetUrl);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("database", database);
        if (fromObject != null || fromFile != null) {
            body.put("fromObject", fromObject);
            body.put("fromFile", fromFile);
        } else {
            body.put("backup", backup);
        }
        body.put("targetHost", target.host());
        body.put("targetPort", target.port());
        body.put("targetUser", target.user());
        body.put("targetDatabase", targetDb);
        body.put("nodeRole", nodeRole);
        body.put("expectSchemaVersion", expectSchemaVersion);
        body.put("allowRoleChange", allowRoleChange);
        body.put("createRoles", createRoles);
        body.put("trustConfig", trustConfig == null ? null : readTrustConfig());
        body.put("applyTrustConfig", applyTrustConfig);
        body.put("dryRun", dryRun);
        body.put("schemas", schemas.isEmpty() ? null : schemas);
        body.put("tables", tables.isEmpty() ? null : tables);
        body.put("excludeTables", excludeTables.isEmpty() ? null : excludeTables);
        body.put("intoSchema", intoSchema);
        PgPassword.of(target, targetDb, System.getenv()).ifPresent(p -> body.put("targetPassword", p));
        JsonNode started = root.client().startRestore(body);
        String id = started.path("restoreId").asText();
        String what = fromObject != null ? fromObject : fromFile != null ? fromFile : backup;
        out.println((dryRun ? "dry run of the restore" : "restore") + " of " + database + " (" + what + ") into "
                + target.user() + "@" + target.host() + ":" + target.port() + "/" + targetDb + " started");
        Instant deadline = Instant.now().plus(timeout);
        int shown = 0;
        OutageRider rider = new OutageRider(deadline, spec.commandLine().getErr(), "restore " + id);
        while (Instant.now().isBefore(deadline)) {
            Optional<JsonNode> look = rider.look(() -> root.client().restore(id));
            if (look.isEmpty()) {
                continue;
            }
            JsonNode progress = look.get();
            JsonNode steps = progress.path("steps");
            for (; shown < steps.size(); shown++) {
                out.println("  " + steps.get(shown).asText());
            }
            String state = progress.path("state").asText();
            switch (state) {
                case "restored", "dry-run-passed":
                    out.println(!state.equals("restored") ? "dry run passed: every check holds; nothing was changed"
                            : intoSchema != null ? "restored into schema " + intoSchema + " of " + targetDb
                                    + ": compare, copy back the rows you need, then DROP SCHEMA " + intoSchema + " CASCADE"
                            : "restored " + targetDb + (schemas.isEmpty() && tables.isEmpty() && excludeTables.isEmpty()
                                    ? ": start the application on it" : " (the chosen part of the backup)"));
                    return ExitCode.OK;
                case "refused", "failed":
                    spec.commandLine().getErr().println("amyterm-backup: restore " + state + " ["
                            + progress.path("reason").asText() + "]: " + progress.path("message").asText());
                    return ExitCode.ofRestore(progress.path("reason").asText());
                default:
                    Waiting.pause();
            }
        }
        throw new CliException(ExitCode.TIMED_OUT, "the restore did not finish within " + timeout
                + "; it may still be running on the verifier service (restore " + id + ")");
    }

    private List<String> readTrustConfig() {
        try {
            return Files.readAllLines(trustConfig);
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read --trust-config " + trustConfig + ": " + e.getMessage());
        }
    }
}
