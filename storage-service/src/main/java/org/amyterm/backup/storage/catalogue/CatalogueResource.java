package org.amyterm.backup.storage.catalogue;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.amyterm.backup.contracts.ApiRoles;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Problem;
import org.amyterm.backup.objectstore.BackupCatalogue;

/** The catalogue API, read from the bucket: what the CLI's list, show and status print. */
@RolesAllowed({ApiRoles.VIEWER, ApiRoles.OPERATOR})
@Path("/catalogue")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class CatalogueResource {
    private final BackupCatalogue catalogue;

    public CatalogueResource(BackupCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    @GET
    @Path("/databases")
    public List<String> databases() {
        return catalogue.databases();
    }

    @GET
    @Path("/databases/{database}/backups")
    public Response list(@PathParam("database") String database) {
        try {
            ObjectLayout.requireDatabaseName(database);
        } catch (IllegalArgumentException e) {
            return problem(Response.Status.BAD_REQUEST, e.getMessage());
        }
        return Response.ok(catalogue.list(database)).build();
    }

    @GET
    @Path("/backups/{backupId}")
    public Response show(@PathParam("backupId") String backupId, @QueryParam("database") String database) {
        if (!BackupId.isValid(backupId)) {
            return problem(Response.Status.BAD_REQUEST, "'" + backupId + "' is not a backup id (e.g. 20261125T133200Z-1a2b3c4d)");
        }
        java.util.Optional<BackupSummary> found = database == null || database.isBlank()
                ? catalogue.find(backupId) : catalogue.find(database, backupId);
        return found.map(b -> Response.ok(b).build())
                .orElseGet(() -> problem(Response.Status.NOT_FOUND, "no backup " + backupId + " in the bucket (yet)"));
    }

    static Response problem(Response.Status status, String message) {
        return CatalogueProblems.problem(status, message).build();
    }
}
