package org.amyterm.backup.notifier.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.amyterm.backup.contracts.AlertChanged.Severity;

/**
 * Something that happened, as the alert book takes it: a condition in a scope (the database, or the
 * topic of a dead letter), how severe, the line a person reads, and the event behind it.
 * {@code identity} tells a redelivery of the same event from a new occurrence.
 */
public record Occurrence(
        String condition,
        String scope,
        String database,
        Severity severity,
        String summary,
        String eventType,
        String backupId,
        JsonNode event,
        String evidence,
        Map<String, String> details,
        String identity) {

    public String alertId() {
        return alertId(condition, scope);
    }

    public static String alertId(String condition, String scope) {
        return condition + "/" + scope;
    }
}
