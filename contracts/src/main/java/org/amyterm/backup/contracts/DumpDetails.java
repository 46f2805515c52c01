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
 * {@code tableBytes} (added; absent from older backups): each table's size on the source server
 * ({@code pg_total_relation_size}: with its indexes and TOAST) when it was dumped, by the same names as
 * the manifest's row counts, so a person choosing what to restore knows what each one weighs.
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
        Instant snapshotAt,
        java.util.Map<String, Long> tableBytes) {

    public DumpDetails {
        pgDumpOptions = pgDumpOptions == null ? List.of() : List.copyOf(pgDumpOptions);
        extensions = extensions == null ? List.of() : List.copyOf(extensions);
        roles = roles == null ? List.of() : List.copyOf(roles);
        tableBytes = tableBytes == null ? null : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(tableBytes));
    }

    /** Details as recorded before {@code tableBytes} existed. */
    public DumpDetails(String server, List<String> pgDumpOptions, List<String> extensions, List<String> roles,
            String checkProfile, String retentionClass, String rpo, String rto, Inventory inventory, Instant requestedAt,
            Instant snapshotAt) {
        this(server, pgDumpOptions, extensions, roles, checkProfile, retentionClass, rpo, rto, inventory, requestedAt,
                snapshotAt, null);
    }

    /** Details as recorded before {@code requestedAt} and {@code snapshotAt} existed. */
    public DumpDetails(String server, List<String> pgDumpOptions, List<String> extensions, List<String> roles,
            String checkProfile, String retentionClass, String rpo, String rto, Inventory inventory) {
        this(server, pgDumpOptions, extensions, roles, checkProfile, retentionClass, rpo, rto, inventory, null, null);
    }

    /** The same dump, serving a request made at {@code requested} (a request that joined it). */
    public DumpDetails requestedAt(Instant requested) {
        return new DumpDetails(server, pgDumpOptions, extensions, roles, checkProfile, retentionClass, rpo, rto,
                inventory, requested, snapshotAt, tableBytes);
    }

    /** The same details without the inventory and the table sizes (for lists that keep many). */
    public DumpDetails withoutInventory() {
        return new DumpDetails(server, pgDumpOptions, extensions, roles, checkProfile, retentionClass, rpo, rto,
                null, requestedAt, snapshotAt, null);
    }

    /** Details as recorded before {@code rto} and {@code inventory} existed. */
    public DumpDetails(String server, List<String> pgDumpOptions, List<String> extensions, List<String> roles,
            String checkProfile, String retentionClass, String rpo) {
        this(server, pgDumpOptions, extensions, roles, checkProfile, retentionClass, rpo, null, null);
    }
}
