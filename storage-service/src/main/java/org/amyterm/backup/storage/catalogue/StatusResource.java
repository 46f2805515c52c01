package org.amyterm.backup.storage.catalogue;

import org.amyterm.backup.contracts.RestoreCompleted;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.amyterm.backup.contracts.ApiRoles;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.objectstore.BackupCatalogue;

/** {@code GET /catalogue/status}: per database, the newest backup and the last known good one. */
@RolesAllowed({ApiRoles.VIEWER, ApiRoles.OPERATOR})
@Path("/catalogue/status")
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {
    private final BackupCatalogue catalogue;

    public StatusResource(BackupCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    /**
     * One database's state; ages in seconds, null when there is no such backup. {@code lastRestoreMillis}
     * is the last known good backup's restore test; {@code lastOperatorRestore} (added) the newest
     * restore an operator made from any of its backups (a restore, not a backup), null if none.
     */
    public record DatabaseStatus(String database, BackupSummary latest, BackupSummary lastKnownGood,
            Long lastKnownGoodAgeSeconds, Long lastRestoreMillis, int backups, RestoreCompleted lastOperatorRestore) {
    }

    @GET
    public List<DatabaseStatus> status() {
        List<DatabaseStatus> result = new ArrayList<>();
        for (String database : catalogue.databases()) {
            List<BackupSummary> backups = catalogue.list(database);
            BackupSummary latest = backups.isEmpty() ? null : backups.get(0);
            BackupSummary good = backups.stream().filter(b -> b.state() == BackupSummary.State.VERIFIED).findFirst()
                    .orElse(null);
            Long age = good == null ? null : Instant.now().getEpochSecond() - good.verification().finishedAt().getEpochSecond();
            Long rto = good == null ? null : good.verification().restoreMillis();
            RestoreCompleted restored = backups.stream().flatMap(b -> b.restores().stream())
                    .max(java.util.Comparator.comparing(RestoreCompleted::completedAt)).orElse(null);
            result.add(new DatabaseStatus(database, latest, good, age, rto, backups.size(), restored));
        }
        return result;
    }
}
