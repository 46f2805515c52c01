package org.amyterm.backup.storage.kept;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.amyterm.backup.contracts.ApiRoles;

/** {@code POST /kept/store}: try every dump kept on the spool again now; what became of each. */
@Path("/kept/store")
@Produces(MediaType.APPLICATION_JSON)
public class KeptDumpResource {
    private final KeptDumps kept;

    public KeptDumpResource(KeptDumps kept) {
        this.kept = kept;
    }

    @POST
    @RolesAllowed(ApiRoles.OPERATOR)
    public List<KeptDumps.Outcome> storeAll() {
        return kept.storeAll();
    }
}
