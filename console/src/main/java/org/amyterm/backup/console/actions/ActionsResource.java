package org.amyterm.backup.console.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.amyterm.backup.console.access.Person;
import org.amyterm.backup.console.access.Viewer;
import org.amyterm.backup.console.backup.BackupFolder;
import org.amyterm.backup.console.backup.FolderFile;
import org.amyterm.backup.console.fleet.ServiceApis;
import org.amyterm.backup.contracts.ApiRoles;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.objectstore.BackupCatalogue;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * What an operator may start from the console, each a form POST carrying its CSRF token: "back up
 * now" (the backup service) and "verify again" (the verifier), asked with the operator's own token;
 * then a page that follows the backup until its outcome, reloading itself (no script needed).
 * The console starts nothing itself: the services do, and record who asked.
 */
@Path("/")
public class ActionsResource {
    private final ServiceApis.Backups backups;
    private final ServiceApis.Verifications verifications;
    private final BackupCatalogue catalogue;
    private final BackupFolder folder;
    private final Viewer viewer;

    public ActionsResource(@RestClient ServiceApis.Backups backups, @RestClient ServiceApis.Verifications verifications,
            BackupCatalogue catalogue, BackupFolder folder, Viewer viewer) {
        this.backups = backups;
        this.verifications = verifications;
        this.catalogue = catalogue;
        this.folder = folder;
        this.viewer = viewer;
    }

    /** Where a followed backup stands; {@code done} stops the page reloading. */
    public record Progress(String database, String backupId, String verificationId, String stage, boolean done,
            boolean passed) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance progress(Progress progress, Person person);

        static native TemplateInstance refused(String action, String why, Person person);
    }

    @POST
    @Path("actions/backup/{database}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @RolesAllowed(ApiRoles.OPERATOR)
    public Response backUp(@PathParam("database") String database) {
        requireDatabase(database);
        JsonNode requested;
        try {
            requested = backups.request(viewer.bearer(), Map.of("database", database, "reason", "manual",
                    "idempotencyKey", "console-" + UUID.randomUUID()));
        } catch (RuntimeException e) {
            return refused("Back up " + database, e);
        }
        return Response.seeOther(URI.create("/progress/" + database + "/" + requested.path("backupId").asText())).build();
    }

    @POST
    @Path("actions/verify/{backupId}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @RolesAllowed(ApiRoles.OPERATOR)
    public Response verify(@PathParam("backupId") String backupId, @QueryParam("database") String database) {
        requireDatabase(database);
        requireBackupId(backupId);
        JsonNode accepted;
        try {
            accepted = verifications.request(viewer.bearer(), Map.of("backupId", backupId,
                    "idempotencyKey", "console-" + UUID.randomUUID()));
        } catch (RuntimeException e) {
            return refused("Verify " + backupId, e);
        }
        return Response.seeOther(URI.create("/progress/" + database + "/" + backupId + "?verification="
                + accepted.path("request").path("verificationId").asText())).build();
    }

    @GET
    @Path("progress/{database}/{backupId}")
    @Produces(MediaType.TEXT_HTML)
    @RolesAllowed({ApiRoles.VIEWER, ApiRoles.OPERATOR})
    public TemplateInstance progress(@PathParam("database") String database, @PathParam("backupId") String backupId,
            @QueryParam("verification") String verificationId) {
        requireDatabase(database);
        requireBackupId(backupId);
        Optional<BackupSummary> backup = catalogue.listNow(database).stream()
                .filter(b -> b.backupId().equals(backupId)).findFirst();
        return Templates.progress(verificationId == null || verificationId.isBlank()
                ? backupProgress(database, backupId, backup)
                : verificationProgress(database, backupId, verificationId, backup), viewer.person());
    }

    private static Progress backupProgress(String database, String backupId, Optional<BackupSummary> backup) {
        if (backup.isEmpty()) {
            return new Progress(database, backupId, null, "requested: dumping and storing (it appears once stored)", false, false);
        }
        return switch (backup.get().state()) {
            case STORED -> new Progress(database, backupId, null, "stored; its restore test is running", false, false);
            case VERIFIED -> new Progress(database, backupId, null, "verified: its restore test passed", true, true);
            case VERIFICATION_FAILED -> new Progress(database, backupId, null, "its restore test failed", true, false);
            case FAILED -> new Progress(database, backupId, null, "failed: " + backup.get().failure().message(), true, false);
            case EXPIRED -> new Progress(database, backupId, null, "expired (deleted by retention)", true, false);
        };
    }

    private Progress verificationProgress(String database, String backupId, String verificationId,
            Optional<BackupSummary> backup) {
        if (backup.isEmpty()) {
            throw new NotFoundException("no such backup");
        }
        String evidence = "verification." + verificationId + ".json";
        Optional<FolderFile> done = folder.files(database, backupId).stream()
                .filter(f -> f.name().equals(evidence) && f.evidence().isPresent()).findFirst();
        if (done.isEmpty()) {
            return new Progress(database, backupId, verificationId, "restoring and checking", false, false);
        }
        boolean passed = done.get().evidence().get().passed();
        return new Progress(database, backupId, verificationId, passed ? "verified: the restore test passed again"
                : "the restore test failed", true, passed);
    }

    private Response refused(String action, RuntimeException e) {
        int status = e instanceof WebApplicationException w ? w.getResponse().getStatus() : 503;
        String why = e instanceof WebApplicationException w && w.getResponse().hasEntity()
                ? w.getResponse().readEntity(String.class) : e.getMessage();
        return Response.status(status >= 400 && status < 600 ? status : 502).type(MediaType.TEXT_HTML_TYPE)
                .entity(Templates.refused(action, why == null ? "no reason given" : why, viewer.person())).build();
    }

    private static void requireDatabase(String database) {
        if (database == null || !ObjectLayout.isDatabaseName(database)) {
            throw new NotFoundException("no such database");
        }
    }

    private static void requireBackupId(String backupId) {
        if (!BackupId.isValid(backupId)) {
            throw new NotFoundException("no such backup");
        }
    }
}
