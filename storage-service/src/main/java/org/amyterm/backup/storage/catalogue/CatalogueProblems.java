package org.amyterm.backup.storage.catalogue;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.amyterm.backup.contracts.Problem;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every refusal and failure of this service's APIs as an RFC 9457 problem with a reason, never an
 * opaque 500: the bucket away is a 503 the CLI waits out (with {@code Retry-After}), the bucket
 * refusing (credentials, a missing bucket) a 502 to act on, anything else a 500 that says what.
 */
public class CatalogueProblems {
    private static final Logger LOG = Logger.getLogger(CatalogueProblems.class);

    @ServerExceptionMapper
    public Response bucket(ObjectStoreException e) {
        if (e.isRetryable()) {
            return problem(Response.Status.SERVICE_UNAVAILABLE, "the bucket cannot be read now (" + e.getMessage()
                    + "); try again shortly").header("Retry-After", "5").build();
        }
        return problem(Response.Status.BAD_GATEWAY, "the bucket refused to be read (" + e.getMessage()
                + "): check the storage service's bucket name and credentials").build();
    }

    @ServerExceptionMapper
    public Response refused(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status < 400 || status == 401 || status == 403) {
            return e.getResponse();
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(Problem.of(status,
                known == null ? "Error" : known.getReasonPhrase(), e.getMessage())).build();
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("the catalogue failed a request", e);
        return problem(Response.Status.INTERNAL_SERVER_ERROR, "the storage service failed this request: "
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())).build();
    }

    static Response.ResponseBuilder problem(Response.Status status, String detail) {
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(status.getStatusCode(), status.getReasonPhrase(), detail));
    }
}
