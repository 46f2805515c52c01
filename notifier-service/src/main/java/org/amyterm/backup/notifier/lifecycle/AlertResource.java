package org.amyterm.backup.notifier.lifecycle;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.amyterm.backup.contracts.AlertChanged;
import org.amyterm.backup.contracts.ApiRoles;
import org.amyterm.backup.contracts.Problem;
import org.amyterm.backup.contracts.RequestLimits;

/**
 * {@code GET /alerts}: the alerts open now, oldest first, with their counts: what a person checks
 * after a page; {@code GET /alerts/recent}: the ones changed last, resolved ones too. {@code POST /alerts/acknowledgements} and {@code POST /alerts/resolutions}
 * ({@code {"alertId": …, "why": …}}): an operator acknowledges or resolves an open alert; who did it
 * is the API token's principal, and the change is on {@code backup.alerts}, so in the audit trail.
 */
@Path("/alerts")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class AlertResource {
    private final AlertBook book;
    private final AlertLedger ledger;

    public AlertResource(AlertBook book, AlertLedger ledger) {
        this.book = book;
        this.ledger = ledger;
    }

    /** The body of an acknowledgement or a resolution: both fields required. */
    public record OperatorRequest(String alertId, String why) {
    }

    @GET
    @RolesAllowed({ApiRoles.VIEWER, ApiRoles.OPERATOR})
    public List<AlertChanged> open() {
        return book.open().stream().sorted(Comparator.comparing(AlertChanged::openedAt)).toList();
    }

    /**
     * {@code GET /alerts/recent?limit=N}: the alerts changed last, open or resolved, each at its
     * latest change (who acknowledged or resolved it and why), newest first; at most 500.
     */
    @GET
    @Path("/recent")
    @RolesAllowed({ApiRoles.VIEWER, ApiRoles.OPERATOR})
    public List<AlertChanged> recent(@jakarta.ws.rs.QueryParam("limit") @jakarta.ws.rs.DefaultValue("100") int limit) {
        return ledger.recent(Math.max(1, Math.min(limit, MAX_RECENT)));
    }

    static final int MAX_RECENT = 500;

    @POST
    @Path("/acknowledgements")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(ApiRoles.OPERATOR)
    public Response acknowledge(OperatorRequest body, @Context SecurityContext caller) {
        return act(body, caller, book::acknowledge);
    }

    @POST
    @Path("/resolutions")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(ApiRoles.OPERATOR)
    public Response resolve(OperatorRequest body, @Context SecurityContext caller) {
        return act(body, caller, book::resolveByHand);
    }

    private interface Action {
        Optional<AlertChanged> apply(String alertId, String by, String why);
    }

    private Response act(OperatorRequest body, SecurityContext caller, Action action) {
        if (body == null || body.alertId() == null || body.alertId().isBlank() || body.why() == null
                || body.why().isBlank()) {
            return problem(Response.Status.BAD_REQUEST, "a JSON body with \"alertId\" (as GET /alerts lists it) and "
                    + "\"why\" (what you did or know, for the audit trail) is required");
        }
        if (body.alertId().length() > 1000 || RequestLimits.tooLong(body.why())) {
            return problem(Response.Status.BAD_REQUEST, "alertId may hold at most 1000 characters; "
                    + RequestLimits.tooLongMessage("why"));
        }
        return action.apply(body.alertId(), ApiRoles.requester(caller.getUserPrincipal()), body.why().strip())
                .map(change -> Response.ok(change, MediaType.APPLICATION_JSON).build())
                .orElseGet(() -> problem(Response.Status.NOT_FOUND, "no alert " + body.alertId()
                        + " is open (GET /alerts lists the open ones)"));
    }

    private static Response problem(Response.Status status, String message) {
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(status.getStatusCode(), status.getReasonPhrase(), message)).build();
    }
}
