package org.amyterm.backup.console.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.amyterm.backup.console.access.Person;
import org.amyterm.backup.console.access.Viewer;
import org.amyterm.backup.console.fleet.Fleet;
import org.amyterm.backup.console.fleet.ServiceApis;
import org.amyterm.backup.contracts.ApiRoles;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * {@code GET /alerts}: the alerts open now, oldest first; those changed last, resolved ones too
 * (opened, escalated, resolved, by whom or by what); and each channel's last delivery, as the
 * notifier holds them.
 */
@Path("/alerts")
@RolesAllowed({ApiRoles.VIEWER, ApiRoles.OPERATOR})
public class AlertsResource {
    private static final int RECENT = 50;

    private final Fleet fleet;
    private final Viewer viewer;
    private final ServiceApis.Alerts notifier;

    public AlertsResource(Fleet fleet, Viewer viewer, @RestClient ServiceApis.Alerts notifier) {
        this.fleet = fleet;
        this.viewer = viewer;
        this.notifier = notifier;
    }

    /** One alert, as the page shows it, with its earlier changes (oldest first). */
    public record Alert(String alertId, String database, String severity, String summary, int count, String transition,
            Instant openedAt, Instant changedAt, String acknowledged, String resolvedBy, List<Step> history) {
        static Alert of(JsonNode a) {
            List<Step> history = new java.util.ArrayList<>();
            a.path("history").forEach(step -> history.add(new Step(step.path("transition").asText(),
                    step.path("severity").asText(), instant(step.path("at")), step.path("summary").asText(),
                    step.path("by").asText(null))));
            return new Alert(a.path("alertId").asText(), a.path("database").asText("—"), a.path("severity").asText(),
                    a.path("summary").asText(), a.path("count").asInt(), a.path("transition").asText(),
                    instant(a.path("openedAt")), instant(a.path("changedAt")), action(a.path("acknowledged")),
                    action(a.path("resolvedBy")), history);
        }

        private static String action(JsonNode by) {
            return by.isObject() ? "by " + by.path("by").asText() + ": " + by.path("why").asText() : null;
        }
    }

    /** An earlier change of an alert: what happened, how severe, when, what it said, and the operator who did it, if one did. */
    public record Step(String transition, String severity, Instant at, String summary, String by) {
    }

    /** A channel's last delivery. */
    public record Channel(String name, boolean configured, String outcome, String alertId, String transition, Instant at,
            String problem) {
        static Channel of(JsonNode c) {
            return new Channel(c.path("channel").asText(), c.path("configured").asBoolean(), c.path("outcome").asText(),
                    c.path("alertId").asText(null), c.path("transition").asText(null), instant(c.path("at")),
                    c.path("problem").asText(null));
        }
    }

    /** A time the notifier wrote (ISO-8601), or null when it wrote none or an unreadable one. */
    static Instant instant(JsonNode time) {
        try {
            return time.isTextual() ? Instant.parse(time.asText()) : null;
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance alerts(List<Alert> alerts, List<Alert> recent, List<Channel> channels,
                List<String> problems, Person person);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance page() {
        List<String> problems = new ArrayList<>();
        List<Alert> open = fleet.openAlerts(viewer.bearer(), problems).stream().map(Alert::of).toList();
        List<Alert> recent = List.of();
        List<Channel> channels = List.of();
        if (problems.isEmpty()) {
            try {
                // the open ones are in the first table: these are the ones closed since
                recent = notifier.recent(viewer.bearer(), RECENT).stream().map(Alert::of)
                        .filter(a -> open.stream().noneMatch(o -> o.alertId().equals(a.alertId()))).toList();
                channels = notifier.deliveries(viewer.bearer()).stream().map(Channel::of).toList();
            } catch (RuntimeException e) {
                problems.add("The notifier could not be asked for the alerts' history or its channels (" + e.getMessage() + ").");
            }
        }
        return Templates.alerts(open, recent, channels, problems, viewer.person());
    }
}
