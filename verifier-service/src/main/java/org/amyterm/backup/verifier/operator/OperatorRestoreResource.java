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
import org.amyterm.backup.pgtools.archive.QualifiedName;

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
                body.fromObject(), body.fromFile(), body.schemas(), body.tables(), body.excludeTables(), body.intoSchema());
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
        if (NodeRole.fromCode(body.nodeRole()) == NodeRole.UNKNOWN && (body.intoSchema() == null || body.nodeRole() != null)) {
            problems.add("nodeRole: central or regional");
        }
        problems.addAll(selectionProblems(body));
        if (body.trustConfig() != null && body.trustConfig().size() > 10_000) {
            problems.add("trustConfig: at most 10000 lines");
        }
        if (body.applyTrustConfig() && body.trustConfig() == null) {
            problems.add("applyTrustConfig: needs a trustConfig to apply");
        }
        return problems;
    }

    /** What is wrong with the choice of a selective restore, if anything. */
    private static List<String> selectionProblems(RestoreRequest body) {
        List<String> problems = new ArrayList<>();
        if (!body.selective()) {
            return problems;
        }
        if (body.unlisted()) {
            problems.add("a selective restore needs a backup of the catalogue (its signed manifest), not fromObject or "
                    + "fromFile");
        }
        if (body.schemas().size() + body.tables().size() + body.excludeTables().size() > 1000) {
            problems.add("schemas, tables, excludeTables: at most 1000 names in all");
            return problems;
        }
        for (String schema : body.schemas()) {
            if (schema == null || schema.isBlank() || schema.length() > 63) {
                problems.add("schemas: a schema name of 1 to 63 characters, got '" + schema + "'");
            }
        }
        for (String table : concat(body.tables(), body.excludeTables())) {
            try {
                QualifiedName.parse(table);
            } catch (IllegalArgumentException e) {
                problems.add("tables: " + e.getMessage());
            }
        }
        if (body.intoSchema() != null) {
            if (!body.intoSchema().matches("[a-z_][a-z0-9_]{0,62}")) {
                problems.add("intoSchema: a new schema's name in lower case letters, digits and _ (at most 63), got '"
                        + body.intoSchema() + "'");
            }
            if (body.schemas().isEmpty() && body.tables().isEmpty()) {
                problems.add("intoSchema: choose the tables to bring back with tables or schemas");
            }
            if (body.createRoles() || body.applyTrustConfig() || body.allowRoleChange()) {
                problems.add("intoSchema: changes no role and no trust configuration (createRoles, applyTrustConfig and "
                        + "allowRoleChange do not apply)");
            }
        } else if (body.schemas().isEmpty() && body.tables().isEmpty() && body.excludeTables().isEmpty()) {
            problems.add("a selective restore names schemas or tables");
        }
        return problems;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Response problem(Response.Status status, String message) {
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(status.getStatusCode(), status.getReasonPhrase(), message)).build();
    }
}
