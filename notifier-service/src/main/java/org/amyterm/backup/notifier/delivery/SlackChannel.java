package org.amyterm.backup.notifier.delivery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.Optional;
import org.amyterm.backup.contracts.AlertChanged;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.notifier.config.NotifierConfig;

/**
 * Posts to a Slack incoming webhook a message a person reads at a glance: the title, the summary,
 * database, stage and reason, and the evidence. Slack's markup characters in event text are
 * escaped, as Slack asks.
 */
@Singleton
class SlackChannel extends HttpAlertChannel<SlackApi> {
    private final NotifierConfig notifier;

    SlackChannel(NotifierConfig config) {
        super("slack", config.slack(), config.slack().webhookUrl(), SlackApi.class, config.delivery().requestTimeout());
        this.notifier = config;
    }

    @Override
    public void deliver(AlertChanged change) {
        send(api -> api.post(message(change, notifier.catalogueUrl())));
    }

    static String message(AlertChanged change, Optional<URI> catalogueUrl) {
        String icon = change.isAcknowledgement() ? ":eyes:" : switch (change.transition()) {
            case RESOLVED -> ":white_check_mark:";
            case NOTICE -> ":information_source:";
            default -> change.severity() == AlertChanged.Severity.CRITICAL ? ":rotating_light:" : ":warning:";
        };
        String title = escape(AlertText.title(change));
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode message = json.objectNode();
        message.put("text", icon + " " + title);
        ArrayNode blocks = message.putArray("blocks");
        ObjectNode section = blocks.addObject().put("type", "section");
        section.putObject("text").put("type", "mrkdwn").put("text", icon + " *" + title + "*\n"
                + escape(AlertText.oneLine(change.summary(), 2500)));
        StringBuilder facts = new StringBuilder();
        if (change.database() != null) {
            facts.append("*Database:* ").append(escape(change.database()));
        }
        append(facts, "Stage", change.details().get("stage"));
        append(facts, "Reason", change.details().get("reason"));
        append(facts, "Topic", change.details().get("topic"));
        if (change.transition() != AlertChanged.Transition.NOTICE) {
            append(facts, "Occurrences", Integer.toString(change.count()));
        }
        append(facts, "Evidence", AlertText.evidence(change).orElse(null));
        AlertText.link(change, catalogueUrl).ifPresent(link -> facts.append(facts.isEmpty() ? "" : "  ·  ")
                .append("<").append(escape(link)).append("|catalogue>"));
        if (!facts.isEmpty()) {
            ObjectNode context = blocks.addObject().put("type", "context");
            context.putArray("elements").addObject().put("type", "mrkdwn").put("text", facts.toString());
        }
        return EventJson.write(message);
    }

    private static void append(StringBuilder facts, String label, String value) {
        if (value != null) {
            facts.append(facts.isEmpty() ? "" : "  ·  ").append('*').append(label).append(":* ")
                    .append(escape(AlertText.oneLine(value, 500)));
        }
    }

    /** Slack reads &, < and > as markup: https://api.slack.com/reference/surfaces/formatting#escaping */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
