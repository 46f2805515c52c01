package org.amyterm.backup.console.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The services' REST APIs the console asks, each call with the signed-in person's own token (so a
 * service grants exactly what that person may do). The console itself writes nothing.
 */
public final class ServiceApis {
    private ServiceApis() {
    }

    /** backup-service: the configured databases and their schedule; "back up now". */
    @RegisterRestClient(configKey = "backup")
    @Path("/backups")
    @Produces(MediaType.APPLICATION_JSON)
    public interface Backups {
        @GET
        @Path("/databases")
        List<String> databases(@HeaderParam("Authorization") String bearer);

        @GET
        @Path("/schedule")
        List<JsonNode> schedule(@HeaderParam("Authorization") String bearer);

        @POST
        @Consumes(MediaType.APPLICATION_JSON)
        JsonNode request(@HeaderParam("Authorization") String bearer, Map<String, String> request);
    }

    /** storage-service: what retention would delete next, and why. */
    @RegisterRestClient(configKey = "storage")
    @Path("/retention")
    @Produces(MediaType.APPLICATION_JSON)
    public interface Retention {
        @GET
        @Path("/forecast/{database}")
        List<JsonNode> forecast(@HeaderParam("Authorization") String bearer, @PathParam("database") String database);
    }

    /** verifier-service: "verify again". */
    @RegisterRestClient(configKey = "verifier")
    @Path("/verifications")
    @Produces(MediaType.APPLICATION_JSON)
    public interface Verifications {
        @POST
        @Consumes(MediaType.APPLICATION_JSON)
        JsonNode request(@HeaderParam("Authorization") String bearer, Map<String, String> request);
    }

    /** notifier-service: the open alerts, the recent ones, each channel's deliveries. */
    @RegisterRestClient(configKey = "notifier")
    @Path("/alerts")
    @Produces(MediaType.APPLICATION_JSON)
    public interface Alerts {
        @GET
        List<JsonNode> open(@HeaderParam("Authorization") String bearer);

        /** The alerts changed last, resolved ones too. */
        @GET
        @Path("/recent")
        List<JsonNode> recent(@HeaderParam("Authorization") String bearer, @jakarta.ws.rs.QueryParam("limit") int limit);

        /** Each channel's last delivery. */
        @GET
        @Path("/deliveries")
        List<JsonNode> deliveries(@HeaderParam("Authorization") String bearer);
    }
}
