package org.amyterm.backup.dumper.request;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.amyterm.backup.dumper.config.SourceDatabases;
import org.amyterm.backup.contracts.ApiRoles;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.Problem;
import org.amyterm.backup.contracts.RequestLimits;

/**
 * {@code POST /backups}: ask for a backup now (role operator). Answers 202 with the backup id to
 * follow; {@code requestedBy} is the caller's principal.
 */
@Path("/backups")
@Produces({MediaType.APPLICATION_JSON, BackupResource.PROBLEM_JSON})
@Consumes(MediaType.APPLICATION_JSON)
public class BackupResource {
    private final BackupRequests requests;
    private final SourceDatabases databases;
    private final BackupSchedule schedule;

    public BackupResource(BackupRequests requests, SourceDatabases databases, BackupSchedule schedule) {
        this.requests = requests;
        this.databases = databases;
        this.schedule = schedule;
    }

    /**
     * The body of a backup request; only {@code database} is required. A {@code requestedBy} sent by
     * an older client is ignored: who asked is the token's principal.
     */
    public record NewBackup(String database, String reason, String idempotencyKey) {
    }

    @POST
    @RolesAllowed(ApiRoles.OPERATOR)
    public Response request(NewBackup body, @Context SecurityContext caller) {
        if (body == null || body.database() == null || body.database().isBlank()) {
            return problem(Response.Status.BAD_REQUEST, "a JSON body with \"database\" is required");
        }
        if (RequestLimits.tooLong(body.database()) || RequestLimits.tooLong(body.idempotencyKey())) {
            return problem(Response.Status.BAD_REQUEST, RequestLimits.tooLongMessage("database and idempotencyKey"));
        }
        try {
            BackupReason reason = body.reason() == null ? BackupReason.MANUAL : BackupReason.fromCode(body.reason());
            String requestedBy = ApiRoles.requester(caller.getUserPrincipal());
            BackupRequests.Outcome outcome = requests.request(body.database(), reason, requestedBy, body.idempotencyKey());
            // a repeat of an earlier request (same idempotency key) answers 200 with that request
            return (outcome.repeated() ? Response.ok(outcome.request()) : Response.accepted(outcome.request())).build();
        } catch (BackupRequests.UnknownDatabaseException e) {
            return problem(Response.Status.NOT_FOUND, e.getMessage());
        } catch (RequestKeys.NotReadyException e) {
            return problem(Response.Status.SERVICE_UNAVAILABLE, e.getMessage());
        } catch (IllegalArgumentException e) {
            return problem(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    @GET
    @Path("/databases")
    @RolesAllowed({ApiRoles.VIEWER, ApiRoles.OPERATOR})
    public List<String> databases() {
        return databases.names();
    }

    /** {@code GET /backups/schedule}: each configured database's cron and when its next scheduled backup is requested. */
    @GET
    @Path("/schedule")
    @RolesAllowed({ApiRoles.VIEWER, ApiRoles.OPERATOR})
    public List<BackupSchedule.NextBackup> schedule() {
        return schedule.next(java.time.Instant.now());
    }

    /** The framework's own refusals as problems too: a body that is not JSON is a 400 saying so. */
    @ServerExceptionMapper
    public Response refused(WebApplicationException e) {
        Response.Status status = Response.Status.fromStatusCode(e.getResponse().getStatus());
        if (status == null || e.getResponse().getStatus() < 400 || e.getResponse().getStatus() >= 500) {
            return e.getResponse();
        }
        return problem(status, status == Response.Status.BAD_REQUEST
                ? "the body is not a JSON backup request (" + e.getMessage() + ")" : e.getMessage());
    }

    /** An RFC 9457 problem ({@code application/problem+json}). */
    static Response problem(Response.Status status, String message) {
        return Response.status(status).type(PROBLEM_JSON)
                .entity(Problem.of(status.getStatusCode(), status.getReasonPhrase(), message)).build();
    }

    static final String PROBLEM_JSON = Problem.MEDIA_TYPE;
}
