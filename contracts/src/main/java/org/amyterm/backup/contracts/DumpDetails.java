package org.amyterm.backup.contracts;

import java.util.List;

/**
 * How a dump was taken and what it needs, recorded in BackupCompleted and the manifest (absent from
 * backups taken before it existed): the server it came from (its name in the backup service's
 * configuration), the pg_dump options beyond connection and snapshot, the extensions installed
 * (name and version), the roles the dumped objects reference (owners, policy roles), the check
 * profile the restore test applies, the retention class of scheduled backups, the database's
 * recovery point objective (ISO-8601, e.g. {@code PT26H}: how old its newest backup may grow) and
 * recovery time objective ({@code rto}: how long a restore may take), and the {@link Inventory}
 * read in the dump's snapshot (absent from older backups).
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
        Inventory inventory) {

    public DumpDetails {
        pgDumpOptions = pgDumpOptions == null ? List.of() : List.copyOf(pgDumpOptions);
        extensions = extensions == null ? List.of() : List.copyOf(extensions);
        roles = roles == null ? List.of() : List.copyOf(roles);
    }

    /** Details as recorded before {@code rto} and {@code inventory} existed. */
    public DumpDetails(String server, List<String> pgDumpOptions, List<String> extensions, List<String> roles,
            String checkProfile, String retentionClass, String rpo) {
        this(server, pgDumpOptions, extensions, roles, checkProfile, retentionClass, rpo, null, null);
    }
}
