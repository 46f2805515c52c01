package org.amyterm.backup.notifier.delivery;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.inject.Singleton;
import org.amyterm.backup.contracts.AlertChanged;
import org.amyterm.backup.contracts.AlertChanged.Transition;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.notifier.config.NotifierConfig;

/**
 * Triggers a PagerDuty incident when an alert opens or escalates, acknowledges it when an
 * operator acknowledges the alert, and resolves it when the alert does, always with the alert's {@code dedup_key}, so PagerDuty holds one incident per alert.
 * Notices are never pages.
 */
@Singleton
class PagerDutyChannel extends HttpAlertChannel<PagerDutyApi> {
    private final NotifierConfig.PagerDuty config;
    private final NotifierConfig notifier;

    PagerDutyChannel(NotifierConfig config) {
        super("pagerduty", config.pagerduty(), config.pagerduty().routingKey().map(key -> config.pagerduty().eventsUrl()),
                PagerDutyApi.class, config.delivery().requestTimeout());
        this.config = config.pagerduty();
        this.notifier = config;
    }

    @Override
    public boolean takes(AlertChanged change) {
        return change.transition() != Transition.NOTICE && super.takes(change);
    }

    @Override
    public void deliver(AlertChanged change) {
        send(api -> api.enqueue(event(change)));
    }

    String event(AlertChanged change) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("routing_key", config.routingKey().orElseThrow());
        event.put("dedup_key", change.dedupKey());
        if (change.transition() == Transition.RESOLVED) {
            event.put("event_action", "resolve");
            return EventJson.write(event);
        }
        if (change.isAcknowledgement()) {
            event.put("event_action", "acknowledge");
            return EventJson.write(event);
        }
        event.put("event_action", "trigger");
        event.put("client", "Amy-Term Backup");
        ObjectNode payload = event.putObject("payload");
        payload.put("summary", AlertText.oneLine(change.summary(), 1000));
        payload.put("source", "amyterm-backup/" + (change.database() != null ? change.database() : change.alertId()));
        payload.put("severity", change.severity() == AlertChanged.Severity.CRITICAL ? "critical"
                : change.severity() == AlertChanged.Severity.WARNING ? "warning" : "info");
        payload.put("timestamp", change.changedAt().toString());
        if (change.database() != null) {
            payload.put("component", change.database());
        }
        payload.put("group", change.condition());
        if (change.details().containsKey("reason")) {
            payload.put("class", change.details().get("reason"));
        }
        ObjectNode custom = payload.putObject("custom_details");
        change.details().forEach((key, value) -> {
            if (!key.equals("eventIdentity")) {
                custom.put(key, AlertText.oneLine(value, 1000));
            }
        });
        custom.put("occurrences", change.count());
        if (change.backupId() != null) {
            custom.put("backupId", change.backupId());
        }
        AlertText.evidence(change).ifPresent(e -> custom.put("evidence", e));
        AlertText.link(change, notifier.catalogueUrl()).ifPresent(link -> event.putArray("links").addObject()
                .put("href", link).put("text", "backup in the catalogue"));
        return EventJson.write(event);
    }
}
