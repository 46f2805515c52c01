package org.amyterm.backup.contracts;

import java.time.Instant;
import java.util.List;

/**
 * How a dump was taken and what it needs, recorded in BackupCompleted and the manifest (absent from
 * backups taken before it existed): the server it came from (its name in the backup service's
 * configuration), the pg_dump options beyond connection and snapshot, the extensions installed
 * (name and version), the roles the dumped objects reference (owners, policy roles), the check
 * profile the restore test applies, the retention class of scheduled backups, the database's
 * recovery point objective (ISO-8601, e.g. {@code PT26H}: how old its newest backup may grow) and
 * recovery time objective ({@code rto}: how long a restore may take), and the {@link Inventory}
 * read in the dump's snapshot (absent from older backups), when the backup was requested
 * ({@code requestedAt}) and when the dump's snapshot was taken ({@code snapshotAt}: every transaction
 * committed before it is in the dump; never before {@code requestedAt}). Both absent from older backups.
 */
public record DumpDetails(
        String server,
        List<String> pgDumpOptions,
        List<String> extensions,
        List<String> roles,
        String checkProfile,
        String retentionClass,
        String rpo,
        String rto,
        Inventory inventory,
        Instant requestedAt,
        Instant snapshotAt) {

    public DumpDetails {
        pgDumpOptions = pgDumpOptions == null ? List.of() : List.copyOf(pgDumpOptions);
        extensions = extensions == null ? List.of() : List.copyOf(extensions);
        roles = roles == null ? List.of() : List.copyOf(roles);
    }

    /** Details as recorded before {@code requestedAt} and {@code snapshotAt} existed. */
    public DumpDetails(String server, List<String> pgDumpOptions, List<String> extensions, List<String> roles,
            String checkProfile, String retentionClass, String rpo, String rto, Inventory inventory) {
        this(server, pgDumpOptions, extensions, roles, checkProfile, retentionClass, rpo, rto, inventory, null, null);
    }

    /** The same dump, serving a request made at {@code requested} (a request that joined it). */
    public DumpDetails requestedAt(Instant requested) {
        return new DumpDetails(server, pgDumpOptions, extensions, roles, checkProfile, retentionClass, rpo, rto,
                inventory, requested, snapshotAt);
    }

    /** The same details without the inventory (for lists that keep many). */
    public DumpDetails withoutInventory() {
        return new DumpDetails(server, pgDumpOptions, extensions, roles, checkProfile, retentionClass, rpo, rto,
                null, requestedAt, snapshotAt);
    }

    /** Details as recorded before {@code rto} and {@code inventory} existed. */
    public DumpDetails(String server, List<String> pgDumpOptions, List<String> extensions, List<String> roles,
            String checkProfile, String retentionClass, String rpo) {
        this(server, pgDumpOptions, extensions, roles, checkProfile, retentionClass, rpo, null, null);
    }
}
