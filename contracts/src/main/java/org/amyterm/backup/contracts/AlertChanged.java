package org.amyterm.backup.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Locale;
import java.util.List;
import java.util.Map;

/**
 * A change of one alert: the notifier's outbox and its memory. There is one alert per
 * {@code alertId} ({@code <condition>/<scope>}, the scope being the database or, for dead letters,
 * the topic); each change is published on the compacted topic {@code backup.alerts} keyed by it, so
 * the latest record of each key is the alert's state, which a restarted notifier reads back, and each
 * alert channel delivers the changes from there, at its own pace.
 *
 * <p>{@code revision} counts the changes of the alert; {@code count} the occurrences of the
 * condition while open. {@code eventType}, {@code backupId} and {@code event} are those of the event
 * that caused this change (the failure, or the success that resolved it). {@code dedupKey} is stable
 * for the alert's lifetime (PagerDuty's {@code dedup_key}). {@code acknowledged} (added) says who
 * acknowledged the open alert, why and when: it stays on every later change until the alert
 * resolves; the change that records it is an {@code updated} one that channels are told
 * ({@link #delivered()}). {@code resolvedBy} (added) is set on a {@code resolved} change an operator
 * made. {@code history} (added; empty on older records) is the alert's earlier changes, oldest first:
 * the opening, then at most {@value #HISTORY_KEPT} of the latest, so the compacted topic's one record
 * per alert still tells how it went (opened, escalated, acknowledged, resolved, by whom or what).
 * Never holds a secret.
 */
public record AlertChanged(
        String alertId,
        String database,
        String condition,
        Transition transition,
        Severity severity,
        String summary,
        int count,
        long revision,
        Instant openedAt,
        Instant changedAt,
        String eventType,
        String backupId,
        JsonNode event,
        String evidence,
        String dedupKey,
        Map<String, String> details,
        OperatorAction acknowledged,
        OperatorAction resolvedBy,
        List<Step> history) implements BackupEvent {

    public static final String TYPE = "org.amyterm.backup.alert.v1";
    /** How many of an alert's latest earlier changes its record keeps, beside the opening. */
    public static final int HISTORY_KEPT = 20;
    private static final int STEP_SUMMARY_CHARS = 300;

    public AlertChanged {
        Require.text(alertId, "alertId");
        Require.text(condition, "condition");
        Require.present(transition, "transition");
        Require.present(severity, "severity");
        Require.text(summary, "summary");
        Require.present(changedAt, "changedAt");
        Require.text(dedupKey, "dedupKey");
        details = details == null ? Map.of() : Map.copyOf(details);
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** A change as written before changes carried the alert's history. */
    public AlertChanged(String alertId, String database, String condition, Transition transition, Severity severity,
            String summary, int count, long revision, Instant openedAt, Instant changedAt, String eventType,
            String backupId, JsonNode event, String evidence, String dedupKey, Map<String, String> details,
            OperatorAction acknowledged, OperatorAction resolvedBy) {
        this(alertId, database, condition, transition, severity, summary, count, revision, openedAt, changedAt,
                eventType, backupId, event, evidence, dedupKey, details, acknowledged, resolvedBy, null);
    }

    /** One earlier change of an alert: what happened, how severe, when, what it said, and who did it (an operator) or null. */
    public record Step(Transition transition, Severity severity, Instant at, String summary, String by) {
        public Step {
            Require.present(transition, "transition");
            Require.present(at, "at");
        }
    }

    /**
     * The history a next change of this alert carries: this one's, and this change as its latest
     * step; the opening and the {@value #HISTORY_KEPT} latest are kept.
     */
    public List<Step> historyThen() {
        List<Step> steps = new java.util.ArrayList<>(history);
        String by = resolvedBy != null ? resolvedBy.by() : isAcknowledgement() ? acknowledged.by() : null;
        // a step's summary is kept short: the record of a long-lived alert stays small on the compacted topic
        steps.add(new Step(transition, severity, changedAt, summary.length() <= STEP_SUMMARY_CHARS ? summary
                : summary.substring(0, STEP_SUMMARY_CHARS - 1) + "…", by));
        if (steps.size() > HISTORY_KEPT + 1) {
            steps.subList(1, steps.size() - HISTORY_KEPT).clear();
        }
        return steps;
    }

    /** A change as written before operators could acknowledge or resolve alerts. */
    public AlertChanged(String alertId, String database, String condition, Transition transition, Severity severity,
            String summary, int count, long revision, Instant openedAt, Instant changedAt, String eventType,
            String backupId, JsonNode event, String evidence, String dedupKey, Map<String, String> details) {
        this(alertId, database, condition, transition, severity, summary, count, revision, openedAt, changedAt,
                eventType, backupId, event, evidence, dedupKey, details, null, null);
    }

    /** What an operator did to an alert: who (the API token's principal), why, and when. */
    public record OperatorAction(String by, String why, Instant at) {
        public OperatorAction {
            Require.text(by, "by");
            Require.text(why, "why");
            Require.present(at, "at");
        }
    }

    /** Whether this change is the acknowledgement itself (not a later change of an acknowledged alert). */
    @JsonIgnore
    public boolean isAcknowledgement() {
        return transition == Transition.UPDATED && acknowledged != null && acknowledged.at().equals(changedAt);
    }

    /** Whether channels are told of this change: repeats are only counted, an acknowledgement is told. */
    @JsonIgnore
    public boolean delivered() {
        return transition.delivered() || isAcknowledgement();
    }

    /** Whether the alert is open after this change. */
    @JsonIgnore
    public boolean open() {
        return transition == Transition.OPENED || transition == Transition.UPDATED || transition == Transition.ESCALATED;
    }

    @Override
    public String cloudEventType() {
        return TYPE;
    }

    @Override
    public String topic() {
        return Topics.ALERTS;
    }

    /** An alert of no database (a dead-letter topic) takes its id as subject. */
    @Override
    public String subject() {
        return database == null ? alertId : database;
    }

    @Override
    public String kafkaKey() {
        return alertId;
    }

    /** What happened to the alert. */
    public enum Transition {
        /** The condition started: every channel routed to hears it. */
        OPENED,
        /** The condition happened again while open: counted, nobody is paged again. */
        UPDATED,
        /** Again, and worse than before (a failure still retried has given up): channels hear it. */
        ESCALATED,
        /** A later success ended it: every channel that can resolve hears it. */
        RESOLVED,
        /** Not an alert, news (a restore test passed): told once, nothing to resolve. */
        NOTICE;

        @JsonValue
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Transition fromCode(String code) {
            return valueOf(code.toUpperCase(Locale.ROOT));
        }

        /** Whether channels deliver this change (repeats are only counted). */
        public boolean delivered() {
            return this != UPDATED;
        }
    }

    /** How urgent; channels are routed by the least severity they take. */
    public enum Severity {
        INFO, WARNING, CRITICAL;

        @JsonValue
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Severity fromCode(String code) {
            return valueOf(code.trim().toUpperCase(Locale.ROOT));
        }

        public boolean atLeast(Severity other) {
            return compareTo(other) >= 0;
        }
    }
}
