package org.amyterm.backup.storage.retention;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import org.amyterm.backup.contracts.ApiRoles;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Problem;

/**
 * Retention on demand: {@code POST /retention?dryRun=true} lists what would go and why, deleting
 * nothing; {@code GET /retention/forecast/{database}} the same for one database.
 */
@Path("/retention")
@Produces(MediaType.APPLICATION_JSON)
public class RetentionResource {
    private final RetentionRun retention;

    public RetentionResource(RetentionRun retention) {
        this.retention = retention;
    }

    /**
     * {@code GET /retention/forecast/{database}}: what the next run would do with each of the
     * database's backups and why (a dry run of one database, for anyone who may look).
     */
    @GET
    @Path("/forecast/{database}")
    @RolesAllowed({ApiRoles.VIEWER, ApiRoles.OPERATOR})
    public Response forecast(@PathParam("database") String database) {
        if (!ObjectLayout.isDatabaseName(database)) {
            return Response.status(Response.Status.NOT_FOUND).type(Problem.MEDIA_TYPE)
                    .entity(Problem.of(404, "Not Found", "no database " + database + " in the bucket")).build();
        }
        return Response.ok(retention.forecast(database, Instant.now()), MediaType.APPLICATION_JSON).build();
    }

    @POST
    @RolesAllowed(ApiRoles.OPERATOR)
    public RetentionRun.Report run(@QueryParam("dryRun") boolean dryRun) {
        return retention.run(Instant.now(), dryRun);
    }
}
