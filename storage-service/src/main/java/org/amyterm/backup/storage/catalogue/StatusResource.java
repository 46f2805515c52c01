package org.amyterm.backup.storage.catalogue;

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

    /** One database's state; ages in seconds, null when there is no such backup. */
    public record DatabaseStatus(String database, BackupSummary latest, BackupSummary lastKnownGood,
            Long lastKnownGoodAgeSeconds, Long lastRestoreMillis, int backups) {
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
            result.add(new DatabaseStatus(database, latest, good, age, rto, backups.size()));
        }
        return result;
    }
}
