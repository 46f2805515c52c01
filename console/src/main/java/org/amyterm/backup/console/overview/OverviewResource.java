package org.amyterm.backup.console.overview;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.amyterm.backup.console.access.Person;
import org.amyterm.backup.console.access.Viewer;
import org.amyterm.backup.console.fleet.Fleet;
import org.amyterm.backup.contracts.ApiRoles;

/** {@code GET /}: one row per database, worst first: can it be restored right now? */
@Path("/")
@RolesAllowed({ApiRoles.VIEWER, ApiRoles.OPERATOR})
public class OverviewResource {
    private final Fleet fleet;
    private final Viewer viewer;

    public OverviewResource(Fleet fleet, Viewer viewer) {
        this.fleet = fleet;
        this.viewer = viewer;
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance overview(Fleet.View view, Person person);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance page() {
        return Templates.overview(fleet.view(viewer.bearer()), viewer.person());
    }
}
