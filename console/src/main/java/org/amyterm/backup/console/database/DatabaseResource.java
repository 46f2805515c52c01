package org.amyterm.backup.console.database;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.amyterm.backup.console.access.Person;
import org.amyterm.backup.console.access.Viewer;
import org.amyterm.backup.console.fleet.DatabaseState;
import org.amyterm.backup.console.fleet.Fleet;
import org.amyterm.backup.console.fleet.ServiceApis;
import org.amyterm.backup.contracts.ObjectLayout;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * {@code GET /databases/{database}}: the trend of the last 90 days, every backup with its state and
 * reason, what retention deletes next and why (the storage service's own rules, as
 * {@code amyterm-backup retention --dry-run} applies them), the next scheduled backup, and the
 * command that restores the last known good.
 */
@Path("/databases/{database}")
@RolesAllowed({org.amyterm.backup.contracts.ApiRoles.VIEWER, org.amyterm.backup.contracts.ApiRoles.OPERATOR})
public class DatabaseResource {
    private static final Logger LOG = Logger.getLogger(DatabaseResource.class);

    private final Fleet fleet;
    private final Viewer viewer;
    private final ServiceApis.Retention retention;
    private final ServiceApis.Backups backups;

    public DatabaseResource(Fleet fleet, Viewer viewer, @RestClient ServiceApis.Retention retention,
            @RestClient ServiceApis.Backups backups) {
        this.fleet = fleet;
        this.viewer = viewer;
        this.retention = retention;
        this.backups = backups;
    }

    /** What retention decided for one backup: delete or keep, the rule's stable code, and why. */
    public record Forecast(String backupId, boolean delete, String rule, String why) {
    }

    /** One operator restore from a backup of the database: when, from which backup, what into where, by whom. */
    public record Restore(java.time.Instant completedAt, String backupId, String what, String requestedBy,
            boolean checksPassed, long restoreMillis) {
        static Restore of(org.amyterm.backup.contracts.RestoreCompleted r) {
            org.amyterm.backup.contracts.RestoreSubset subset = r.subset();
            String what = subset == null ? "the whole database into " + r.targetDatabase()
                    : String.join(", ", subset.restored()) + (org.amyterm.backup.contracts.RestoreSubset.INTO_SCHEMA
                            .equals(subset.mode()) ? " into schema " + subset.intoSchema() + " of " + r.targetDatabase()
                                    : " into " + r.targetDatabase())
                            + (subset.leftOut().isEmpty() ? "" : "; left out: " + String.join("; ", subset.leftOut()));
            return new Restore(r.completedAt(), r.backupId(), what, r.requestedBy(),
                    r.checks().stream().allMatch(org.amyterm.backup.contracts.CheckResult::passed), r.restoreMillis());
        }
    }

    /** Everything the page shows beside the database's state. */
    public record Page(DatabaseState state, String chart, List<Forecast> forecast, Optional<String> nextScheduled,
            String restoreCommand, List<String> problems) {
        public List<Forecast> deletions() {
            return forecast.stream().filter(Forecast::delete).toList();
        }

        /** The restores made from its backups, newest first: restores, not backups. */
        public List<Restore> restores() {
            return state.backups().stream().flatMap(b -> b.restores().stream()).map(Restore::of)
                    .sorted(java.util.Comparator.comparing(Restore::completedAt).reversed()).toList();
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance database(Page page, Person person);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance page(@PathParam("database") String database) {
        if (!ObjectLayout.isDatabaseName(database)) {
            throw new NotFoundException("no such database");
        }
        List<String> problems = new ArrayList<>();
        DatabaseState state = fleet.database(viewer.bearer(), database, problems);
        if (state.backups().isEmpty() && !configured(database, problems)) {
            throw new NotFoundException("no such database");
        }
        String chart = TrendChart.svg(database, state.backups(), state.rto(), state.now());
        return Templates.database(new Page(state, chart, forecast(database, problems), nextScheduled(database, problems),
                restoreCommand(state), problems), viewer.person());
    }

    private boolean configured(String database, List<String> problems) {
        try {
            return backups.databases(viewer.bearer()).contains(database);
        } catch (RuntimeException e) {
            problems.add("The backup service could not be asked whether it backs up " + database + ".");
            return false;
        }
    }

    private List<Forecast> forecast(String database, List<String> problems) {
        try {
            return retention.forecast(viewer.bearer(), database).stream()
                    .map(d -> new Forecast(d.path("backupId").asText(), "would-delete".equals(d.path("action").asText()),
                            d.path("rule").asText(), d.path("why").asText()))
                    .toList();
        } catch (RuntimeException e) {
            LOG.warnf("the storage service could not forecast retention of %s: %s", database, e.getMessage());
            problems.add("The storage service could not be asked what retention would delete.");
            return List.of();
        }
    }

    private Optional<String> nextScheduled(String database, List<String> problems) {
        try {
            return backups.schedule(viewer.bearer()).stream()
                    .filter(s -> database.equals(s.path("database").asText()))
                    .findFirst()
                    .map(s -> s.path("nextAt").isTextual() ? s.path("nextAt").asText() + " (cron \""
                            + s.path("cron").asText() + "\")" : "none: its schedule is off");
        } catch (RuntimeException e) {
            problems.add("The backup service could not be asked for the next scheduled backup.");
            return Optional.empty();
        }
    }

    /** The CLI command that restores the last known good: the target is the operator's to fill in. */
    static String restoreCommand(DatabaseState state) {
        String role = state.lastKnownGood() != null && state.lastKnownGood().manifest() != null
                && state.lastKnownGood().manifest().nodeRole() != null
                ? state.lastKnownGood().manifest().nodeRole().code() : "central";
        return "amyterm-backup restore " + state.database() + " --backup=last-known-good \\\n"
                + "    --target-url=postgresql://USER@HOST:PORT --target-db=NEW_DATABASE --node-role=" + role + " --dry-run";
    }
}
