package org.amyterm.backup.verifier.operator;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.ArrayList;
import java.util.List;
import org.amyterm.backup.contracts.ApiRoles;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.NodeRole;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Problem;
import org.amyterm.backup.contracts.RequestLimits;

/**
 * {@code POST /restores}: an operator restore (202 with its id; it runs here, where the decryption
 * key is; role operator); {@code GET /restores/{id}}: its progress, steps and outcome (viewer too).
 * Who asked is the caller's principal. The target's password
 * travels in the body, is used for the target's connections only, and is never logged.
 */
@Path("/restores")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Consumes(MediaType.APPLICATION_JSON)
public class OperatorRestoreResource {

    private final OperatorRestores restores;

    public OperatorRestoreResource(OperatorRestores restores) {
        this.restores = restores;
    }

    @POST
    @RolesAllowed(ApiRoles.OPERATOR)
    public Response start(RestoreRequest body, @Context SecurityContext caller) {
        List<String> problems = problems(body);
        if (!problems.isEmpty()) {
            return problem(Response.Status.BAD_REQUEST, String.join("; ", problems));
        }
        RestoreRequest request = new RestoreRequest(body.database(), body.backup(),
                TargetHost.parse(body.targetHost()).orElseThrow(),
                body.targetPort() == null ? 5432 : body.targetPort(), body.targetUser(), body.targetPassword(),
                body.targetDatabase(), body.nodeRole(), body.expectSchemaVersion(), body.allowRoleChange(),
                body.createRoles(), body.trustConfig(), body.applyTrustConfig(), body.dryRun(),
                ApiRoles.requester(caller.getUserPrincipal()),
                body.fromObject(), body.fromFile());
        return Response.accepted(restores.start(request)).build();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({ApiRoles.VIEWER, ApiRoles.OPERATOR})
    public Response progress(@PathParam("id") String id) {
        return restores.get(id).map(p -> Response.ok(p).build()).orElseGet(() -> problem(Response.Status.NOT_FOUND,
                "no restore " + id + " on this verifier (it may have restarted, which ends a restore in progress)"));
    }

    private static List<String> problems(RestoreRequest body) {
        List<String> problems = new ArrayList<>();
        if (body == null) {
            return List.of("a JSON body is required");
        }
        if (!ObjectLayout.isDatabaseName(body.database())) {
            problems.add("database: a database name is required");
        }
        if (body.fromObject() != null && body.fromFile() != null) {
            problems.add("fromObject and fromFile: one or the other");
        } else if (body.fromObject() != null && (!body.fromObject().contains("/") || body.fromObject().length() > 1024)) {
            problems.add("fromObject: BUCKET/KEY");
        } else if (body.fromFile() != null && (!body.fromFile().startsWith("/") || body.fromFile().length() > 4096)) {
            problems.add("fromFile: an absolute path on the verifier's host");
        } else if (!body.unlisted() && (body.backup() == null
                || !(RestoreRequest.LAST_KNOWN_GOOD.equals(body.backup()) || BackupId.isValid(body.backup())))) {
            problems.add("backup: last-known-good or a backup id");
        }
        if (body.targetHost() == null || body.targetHost().isBlank() || RequestLimits.tooLong(body.targetHost())) {
            problems.add("targetHost: required");
        } else if (TargetHost.parse(body.targetHost()).isEmpty()) {
            problems.add("targetHost: a host name, an IPv4 address or an IPv6 address, nothing more (no port, path or "
                    + "parameters)");
        }
        if (body.targetPort() != null && (body.targetPort() < 1 || body.targetPort() > 65535)) {
            problems.add("targetPort: not a TCP port");
        }
        if (body.targetUser() == null || body.targetUser().isBlank() || body.targetUser().length() > 63) {
            problems.add("targetUser: required (the role the restore runs as)");
        }
        if (!ObjectLayout.isDatabaseName(body.targetDatabase())) {
            problems.add("targetDatabase: a database name (letters, digits, _ . -; at most 63 characters)");
        }
        if (NodeRole.fromCode(body.nodeRole()) == NodeRole.UNKNOWN) {
            problems.add("nodeRole: central or regional");
        }
        if (body.trustConfig() != null && body.trustConfig().size() > 10_000) {
            problems.add("trustConfig: at most 10000 lines");
        }
        if (body.applyTrustConfig() && body.trustConfig() == null) {
            problems.add("applyTrustConfig: needs a trustConfig to apply");
        }
        return problems;
    }

    private static Response problem(Response.Status status, String message) {
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(status.getStatusCode(), status.getReasonPhrase(), message)).build();
    }
}
