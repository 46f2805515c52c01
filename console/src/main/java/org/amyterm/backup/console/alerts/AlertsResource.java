package org.amyterm.backup.console.alerts;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import org.amyterm.backup.console.access.Person;
import org.amyterm.backup.console.access.Viewer;
import org.amyterm.backup.console.fleet.Fleet;
import org.amyterm.backup.contracts.ApiRoles;

/** {@code GET /alerts}: the alerts open now, as the notifier holds them, oldest first. */
@Path("/alerts")
@RolesAllowed({ApiRoles.VIEWER, ApiRoles.OPERATOR})
public class AlertsResource {
    private final Fleet fleet;
    private final Viewer viewer;

    public AlertsResource(Fleet fleet, Viewer viewer) {
        this.fleet = fleet;
        this.viewer = viewer;
    }

    /** One open alert, as the page shows it. */
    public record Alert(String alertId, String database, String severity, String summary, int count, String openedAt,
            String changedAt, String acknowledged) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance alerts(List<Alert> alerts, List<String> problems, Person person);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance page() {
        List<String> problems = new ArrayList<>();
        List<Alert> alerts = fleet.openAlerts(viewer.bearer(), problems).stream()
                .map(a -> new Alert(a.path("alertId").asText(), a.path("database").asText("—"), a.path("severity").asText(),
                        a.path("summary").asText(), a.path("count").asInt(), a.path("openedAt").asText(),
                        a.path("changedAt").asText(), a.path("acknowledged").isObject()
                                ? "by " + a.path("acknowledged").path("by").asText() + ": "
                                        + a.path("acknowledged").path("why").asText() : null))
                .toList();
        return Templates.alerts(alerts, problems, viewer.person());
    }
}
