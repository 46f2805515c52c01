package org.amyterm.backup.console.backup;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.amyterm.backup.console.access.Person;
import org.amyterm.backup.console.access.Viewer;
import org.amyterm.backup.contracts.ApiRoles;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.objectstore.BackupCatalogue;

/**
 * {@code GET /backups/{backupId}?database=…}: the manifest's facts, every verification's checks with
 * their times, whether each signed file proves itself and by which key, and links to download each
 * with its {@code .sig} for {@code gpg --verify}.
 */
@Path("/backups/{backupId}")
@RolesAllowed({ApiRoles.VIEWER, ApiRoles.OPERATOR})
public class BackupPageResource {
    private final BackupCatalogue catalogue;
    private final BackupFolder folder;
    private final Viewer viewer;

    public BackupPageResource(BackupCatalogue catalogue, BackupFolder folder, Viewer viewer) {
        this.catalogue = catalogue;
        this.folder = folder;
        this.viewer = viewer;
    }

    /** The page's facts. */
    public record Page(BackupSummary backup, List<FolderFile> files) {
        public List<FolderFile> verifications() {
            return files.stream().filter(f -> f.evidence().isPresent()).toList();
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance backup(Page page, Person person);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance page(@PathParam("backupId") String backupId, @QueryParam("database") String database) {
        BackupSummary backup = find(backupId, database);
        return Templates.backup(new Page(backup, folder.files(backup.database(), backupId)), viewer.person());
    }

    /** A signed file of the folder ({@code manifest.json}, {@code verification….json}, …) or its {@code .sig}. */
    @GET
    @Path("/files/{file}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response file(@PathParam("backupId") String backupId, @PathParam("file") String file,
            @QueryParam("database") String database) {
        BackupSummary backup = find(backupId, database);
        String text = folder.text(backup.database(), backupId, file).orElseThrow(() -> new NotFoundException("no such file"));
        return Response.ok(text, file.endsWith(".json") ? MediaType.APPLICATION_JSON : "application/pgp-signature")
                .header("Content-Disposition", "attachment; filename=\"" + backupId + "-" + file + "\"").build();
    }

    private BackupSummary find(String backupId, String database) {
        if (!BackupId.isValid(backupId) || (database != null && !ObjectLayout.isDatabaseName(database))) {
            throw new NotFoundException("no such backup");
        }
        return (database == null ? catalogue.find(backupId) : catalogue.find(database, backupId))
                .orElseThrow(() -> new NotFoundException("no such backup"));
    }
}
