package org.amyterm.backup.notifier.lifecycle;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.amyterm.backup.contracts.AlertChanged;
import org.amyterm.backup.contracts.AlertChanged.Transition;
import org.amyterm.backup.messaging.EventPublisher;
import org.jboss.logging.Logger;

/**
 * One open alert per condition and scope. The first occurrence opens it (channels hear it); a
 * repeat only counts, unless it is more severe (then it escalates and channels hear that); a later
 * success resolves it (channels hear that). Each change is published on {@code backup.alerts} before
 * anyone is told, so the channels deliver from there and a restart forgets nothing.
 */
@ApplicationScoped
public class AlertBook {
    private static final Logger LOG = Logger.getLogger(AlertBook.class);
    private static final int MAX_DEDUP_KEY = 255;

    private final AlertLedger ledger;
    private final EventPublisher publisher;
    private final Clock clock;

    public AlertBook(AlertLedger ledger, EventPublisher publisher, MeterRegistry registry) {
        this.ledger = ledger;
        this.publisher = publisher;
        this.clock = Clock.systemUTC();
        Gauge.builder("amyterm.notifier.alerts.open", ledger::openNow)
                .description("alerts open now, over all conditions").register(registry);
    }

    /** Opens, counts or escalates the occurrence's alert; returns the change published. */
    public synchronized AlertChanged raise(Occurrence occurrence) {
        Optional<AlertChanged> current = ledger.current(occurrence.alertId()).filter(AlertChanged::open);
        Instant now = clock.instant();
        AlertChanged next;
        if (current.isEmpty()) {
            long revision = ledger.current(occurrence.alertId()).map(AlertChanged::revision).orElse(0L) + 1;
            // a new alert: the history of one closed before is its own
            next = change(occurrence, Transition.OPENED, occurrence.severity(), occurrence.summary(), 1, revision, now, now,
                    null, List.of());
        } else {
            AlertChanged open = current.get();
            if (occurrence.identity() != null && occurrence.identity().equals(open.details().get(IDENTITY))) {
                LOG.debugf("already counted: %s", occurrence.summary());
                return open;
            }
            boolean worse = occurrence.severity().compareTo(open.severity()) > 0;
            next = change(occurrence, worse ? Transition.ESCALATED : Transition.UPDATED,
                    worse ? occurrence.severity() : open.severity(), occurrence.summary(), open.count() + 1,
                    open.revision() + 1, open.openedAt(), now, open.acknowledged(), open.historyThen());
        }
        publish(next);
        return next;
    }

    /** Resolves the alert of the condition in the scope if it is open, naming what ended it. */
    public synchronized Optional<AlertChanged> resolve(String condition, String scope, Occurrence success) {
        Optional<AlertChanged> open = ledger.current(Occurrence.alertId(condition, scope)).filter(AlertChanged::open);
        if (open.isEmpty()) {
            return Optional.empty();
        }
        AlertChanged was = open.get();
        String summary = "RESOLVED: " + success.summary() + " (" + history(was) + ")";
        AlertChanged resolved = new AlertChanged(was.alertId(), was.database(), was.condition(), Transition.RESOLVED,
                was.severity(), summary, was.count(), was.revision() + 1, was.openedAt(), clock.instant(),
                success.eventType(), success.backupId(), success.event(), success.evidence() != null ? success.evidence()
                        : was.evidence(), was.dedupKey(), was.details(), was.acknowledged(), null, was.historyThen());
        publish(resolved);
        return Optional.of(resolved);
    }

    /**
     * An operator acknowledges the open alert: channels are told who and why (PagerDuty
     * acknowledges its incident), later occurrences are counted as before, and it stays open until
     * its condition ends or an operator resolves it. Empty if no such alert is open.
     */
    public synchronized Optional<AlertChanged> acknowledge(String alertId, String by, String why) {
        return ledger.current(alertId).filter(AlertChanged::open).map(was -> {
            Instant now = clock.instant();
            AlertChanged acknowledged = new AlertChanged(was.alertId(), was.database(), was.condition(),
                    Transition.UPDATED, was.severity(), "ACKNOWLEDGED by " + by + ": " + why + " (" + was.summary() + ")",
                    was.count(), was.revision() + 1, was.openedAt(), now, was.eventType(), was.backupId(), was.event(),
                    was.evidence(), was.dedupKey(), was.details(), new AlertChanged.OperatorAction(by, why, now), null,
                    was.historyThen());
            publish(acknowledged);
            return acknowledged;
        });
    }

    /**
     * An operator resolves the open alert (the cause is dealt with, or it is known and accepted):
     * channels hear it; the next occurrence of the condition opens a new alert. Empty if no such alert is open.
     */
    public synchronized Optional<AlertChanged> resolveByHand(String alertId, String by, String why) {
        return ledger.current(alertId).filter(AlertChanged::open).map(was -> {
            Instant now = clock.instant();
            AlertChanged resolved = new AlertChanged(was.alertId(), was.database(), was.condition(), Transition.RESOLVED,
                    was.severity(), "RESOLVED by " + by + ": " + why + " (" + history(was) + ")", was.count(),
                    was.revision() + 1, was.openedAt(), now, was.eventType(), was.backupId(), was.event(), was.evidence(),
                    was.dedupKey(), was.details(), was.acknowledged(), new AlertChanged.OperatorAction(by, why, now),
                    was.historyThen());
            publish(resolved);
            return resolved;
        });
    }

    /** What a resolution says of the alert it ends. */
    private static String history(AlertChanged was) {
        return was.alertId() + " was open since " + was.openedAt() + ", " + was.count()
                + (was.count() == 1 ? " occurrence" : " occurrences") + "; last: " + was.summary();
    }

    /**
     * News that is not an alert: told once to the channels that take its severity. The same event
     * delivered again (a redelivery after a broker or notifier restart) is recognised by its identity
     * against the last notice of its kind, kept on {@code backup.alerts}, and told to nobody again.
     */
    public synchronized void notice(Occurrence news) {
        String id = noticeId(news);
        if (news.identity() != null && ledger.lastNotice(id)
                .map(last -> news.identity().equals(last.details().get(IDENTITY))).orElse(false)) {
            LOG.debugf("already told: %s", news.summary());
            return;
        }
        publish(change(news, Transition.NOTICE, news.severity(), news.summary(), 1, 1, clock.instant(), clock.instant(),
                null, List.of()));
    }

    /** The open alert of the condition in the scope, if there is one. */
    public Optional<AlertChanged> openAlert(String condition, String scope) {
        return ledger.current(Occurrence.alertId(condition, scope)).filter(AlertChanged::open);
    }

    /** The alert's latest state, open or not (an operator's resolution is kept in it). */
    public Optional<AlertChanged> last(String condition, String scope) {
        return ledger.current(Occurrence.alertId(condition, scope));
    }

    public boolean isOpen(String condition, String scope) {
        return ledger.current(Occurrence.alertId(condition, scope)).filter(AlertChanged::open).isPresent();
    }

    public List<AlertChanged> open() {
        return ledger.open();
    }

    private static final String IDENTITY = "eventIdentity";

    private static AlertChanged change(Occurrence o, Transition transition, AlertChanged.Severity severity, String summary,
            int count, long revision, Instant openedAt, Instant now, AlertChanged.OperatorAction acknowledged,
            List<AlertChanged.Step> history) {
        Map<String, String> details = new HashMap<>(o.details() == null ? Map.of() : o.details());
        if (o.identity() != null) {
            details.put(IDENTITY, o.identity());
        }
        String id = transition == Transition.NOTICE ? noticeId(o) : o.alertId();
        return new AlertChanged(id, o.database(), o.condition(), transition, severity, summary, count, revision, openedAt,
                now, o.eventType(), o.backupId(), o.event(), o.evidence(), dedupKey(id), details, acknowledged, null, history);
    }

    private static String noticeId(Occurrence news) {
        return "notice/" + news.eventType() + "/" + news.scope();
    }

    /** Stable for the alert's lifetime; PagerDuty takes at most 255 characters. */
    static String dedupKey(String alertId) {
        String key = "amyterm-backup/" + alertId;
        return key.length() <= MAX_DEDUP_KEY ? key : key.substring(0, MAX_DEDUP_KEY);
    }

    private void publish(AlertChanged change) {
        publisher.publish(change);
        ledger.apply(change);
        String line = change.transition().code() + " " + change.alertId() + ": " + change.summary();
        switch (change.severity()) {
            case CRITICAL -> LOG.error(line);
            case WARNING -> LOG.warn(line);
            default -> LOG.info(line);
        }
    }
}
