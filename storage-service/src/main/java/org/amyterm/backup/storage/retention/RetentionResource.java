package org.amyterm.backup.storage.retention;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import org.amyterm.backup.contracts.ApiRoles;

/** Retention on demand: {@code POST /retention?dryRun=true} lists what would go and why, deleting nothing. */
@Path("/retention")
@Produces(MediaType.APPLICATION_JSON)
public class RetentionResource {
    private final RetentionRun retention;

    public RetentionResource(RetentionRun retention) {
        this.retention = retention;
    }

    @POST
    @RolesAllowed(ApiRoles.OPERATOR)
    public RetentionRun.Report run(@QueryParam("dryRun") boolean dryRun) {
        return retention.run(Instant.now(), dryRun);
    }
}
