package org.amyterm.backup.notifier.lifecycle;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Comparator;
import java.util.List;
import org.amyterm.backup.contracts.AlertChanged;
import org.amyterm.backup.contracts.ApiRoles;

/** The alerts open now, oldest first, with their counts: what a person checks after a page. */
@Path("/alerts")
@RolesAllowed({ApiRoles.VIEWER, ApiRoles.OPERATOR})
public class AlertResource {
    private final AlertBook book;

    public AlertResource(AlertBook book) {
        this.book = book;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<AlertChanged> open() {
        return book.open().stream().sorted(Comparator.comparing(AlertChanged::openedAt)).toList();
    }
}
