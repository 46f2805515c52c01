package org.amyterm.backup.verifier.reverify;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.amyterm.backup.contracts.ApiRoles;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Problem;
import org.amyterm.backup.contracts.RequestLimits;
import org.amyterm.backup.contracts.Verification;
import org.amyterm.backup.contracts.VerificationRequested;
import org.amyterm.backup.messaging.EventPublisher;
import org.amyterm.backup.objectstore.BackupCatalogue;
import org.amyterm.backup.verifier.evidence.EvidenceWriter;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * {@code POST /verifications}: restore-test a stored backup again now (202 with the verification's
 * id); {@code GET /verifications/{backupId}/{verificationId}}: its evidence once written (404 until
 * then).
 */
@Path("/verifications")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Consumes(MediaType.APPLICATION_JSON)
public class VerificationResource {
    private final BackupCatalogue catalogue;
    private final EventPublisher events;
    private final EvidenceWriter evidence;
    private final ObjectLayout layout;

    public VerificationResource(BackupCatalogue catalogue, EventPublisher events, EvidenceWriter evidence,
            ObjectLayout layout) {
        this.catalogue = catalogue;
        this.events = events;
        this.evidence = evidence;
        this.layout = layout;
    }

    /** The body of a request; only {@code backupId} is required. */
    public record NewVerification(String backupId, String idempotencyKey) {
    }

    /** The answer: the request, and where its evidence will be. */
    public record Accepted(VerificationRequested request, String evidenceKey) {
    }

    @POST
    @RolesAllowed(ApiRoles.OPERATOR)
    public Response request(NewVerification body, @Context SecurityContext caller) {
        if (body == null || !BackupId.isValid(body.backupId())) {
            return problem(Response.Status.BAD_REQUEST, "a JSON body with \"backupId\" (e.g. 20261125T133200Z-1a2b3c4d) "
                    + "is required");
        }
        if (RequestLimits.tooLong(body.idempotencyKey())) {
            return problem(Response.Status.BAD_REQUEST, RequestLimits.tooLongMessage("idempotencyKey"));
        }
        Optional<BackupSummary> backup = catalogue.find(body.backupId());
        if (backup.isEmpty()) {
            return problem(Response.Status.NOT_FOUND, "no backup " + body.backupId() + " in the bucket");
        }
        if (backup.get().manifest() == null || backup.get().expired() != null) {
            return problem(Response.Status.CONFLICT, "backup " + body.backupId() + " has no stored dump to restore ("
                    + backup.get().state().name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        String requestedBy = ApiRoles.requester(caller.getUserPrincipal());
        String key = body.idempotencyKey() == null || body.idempotencyKey().isBlank() ? UUID.randomUUID().toString()
                : body.idempotencyKey();
        VerificationRequested request = VerificationRequested.of(body.backupId(), backup.get().database(),
                VerificationRequested.Trigger.REQUESTED, requestedBy, key, Instant.now());
        events.publish(request);
        return Response.accepted(new Accepted(request, layout.verificationRecordKey(request.database(),
                request.backupId(), request.verificationId()))).build();
    }

    @GET
    @Path("/{backupId}/{verificationId}")
    @RolesAllowed({ApiRoles.VIEWER, ApiRoles.OPERATOR})
    public Response evidence(@PathParam("backupId") String backupId, @PathParam("verificationId") String verificationId) {
        if (!BackupId.isValid(backupId) || !BackupId.isValid(verificationId)) {
            return problem(Response.Status.BAD_REQUEST, "backup and verification ids look like 20261125T133200Z-1a2b3c4d");
        }
        Optional<BackupSummary> backup = catalogue.find(backupId);
        if (backup.isEmpty()) {
            return problem(Response.Status.NOT_FOUND, "no backup " + backupId + " in the bucket");
        }
        if (backup.get().manifest() == null) {
            return problem(Response.Status.CONFLICT, "backup " + backupId + " has no trusted manifest, so no evidence "
                    + "vouches for it: " + String.join("; ", backup.get().untrusted()));
        }
        Optional<Verification> written = evidence.recorded(backup.get().database(), backupId, verificationId,
                backup.get().manifest());
        return written.map(v -> Response.ok(v).build()).orElseGet(() -> problem(Response.Status.NOT_FOUND,
                "verification " + verificationId + " of " + backupId + " has not written its evidence yet"));
    }

    /** The framework's own refusals (a body that is not JSON) as problems too. */
    @ServerExceptionMapper
    public Response refused(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        return status / 100 != 4 ? e.getResponse()
                : problem(Response.Status.fromStatusCode(status), "the request was refused: " + e.getMessage());
    }

    private static Response problem(Response.Status status, String message) {
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(status.getStatusCode(), status.getReasonPhrase(), message)).build();
    }
}
