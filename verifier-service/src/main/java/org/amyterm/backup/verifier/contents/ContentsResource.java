package org.amyterm.backup.verifier.contents;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.amyterm.backup.contracts.ApiRoles;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Problem;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.verifier.restore.StreamingRestore;
import org.amyterm.backup.verifier.trust.TrustedBackups;
import org.jboss.logging.Logger;

/**
 * {@code GET /contents/{database}/{backup}}: what a backup ({@code last-known-good} or an id) holds,
 * read here, where the decryption key is, from the start of its signed, authenticated archive only
 * (viewer role).
 */
@Path("/contents")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class ContentsResource {
    private static final Logger LOG = Logger.getLogger(ContentsResource.class);

    private final TrustedBackups backups;
    private final StreamingRestore restore;

    public ContentsResource(TrustedBackups backups, StreamingRestore restore) {
        this.backups = backups;
        this.restore = restore;
    }

    @GET
    @Path("/{database}/{backup}")
    @RolesAllowed({ApiRoles.VIEWER, ApiRoles.OPERATOR})
    public Response contents(@PathParam("database") String database, @PathParam("backup") String backup) {
        if (!ObjectLayout.isDatabaseName(database)) {
            return problem(Response.Status.BAD_REQUEST, "not a database name (letters, digits, _ . -; at most 63 characters)");
        }
        if (!TrustedBackups.LAST_KNOWN_GOOD.equals(backup) && !BackupId.isValid(backup)) {
            return problem(Response.Status.BAD_REQUEST, "backup: last-known-good or a backup id");
        }
        try {
            Manifest manifest = backups.manifest(database, backup, Stage.RESTORE, step -> { });
            StreamingRestore.TableOfContents read = restore.tableOfContents(manifest, Stage.RESTORE);
            LOG.infof("listed the contents of backup %s of %s: %d entries, %d of %d bytes of the object read",
                    manifest.backupId(), database, read.toc().entries().size(), read.objectBytesRead(),
                    manifest.object().bytes());
            return Response.ok(BackupContents.of(manifest, read.toc(), read.objectBytesRead())).build();
        } catch (StageException e) {
            LOG.warnf("listing the contents of %s of %s failed [%s]: %s", backup, database, e.reason().code(),
                    e.getMessage());
            Response.Status status = e.reason() == FailureReason.BACKUP_NOT_FOUND ? Response.Status.NOT_FOUND
                    : e.reason().isRetryable() ? Response.Status.SERVICE_UNAVAILABLE : Response.Status.CONFLICT;
            return problem(status, "[" + e.reason().code() + "] " + e.getMessage());
        }
    }

    private static Response problem(Response.Status status, String message) {
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(status.getStatusCode(), status.getReasonPhrase(), message)).build();
    }
}
