package org.amyterm.backup.notifier.lifecycle;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.amyterm.backup.contracts.AlertChanged;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.MalformedEventException;
import org.amyterm.backup.contracts.Topics;
import org.amyterm.backup.messaging.CompactedTopicFollower;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * The state of every alert, read from the compacted topic {@code backup.alerts}: at start from its
 * beginning (so a restarted notifier knows which alerts are open and sends none again), then
 * following it, so a replica also sees the changes the others publish. A change this replica
 * publishes is applied at once as well; a record never replaces a later revision.
 */
@ApplicationScoped
public class AlertLedger {
    private static final Logger LOG = Logger.getLogger(AlertLedger.class);
    static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(2);

    private final CompactedTopicFollower follower;
    private final Map<String, AlertChanged> alerts = new ConcurrentHashMap<>();
    /** The latest notice of each kind and scope ({@code notice/<event type>/<database>}): what was told last. */
    private final Map<String, AlertChanged> notices = new ConcurrentHashMap<>();

    public AlertLedger(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.follower = new CompactedTopicFollower(kafka, Topics.ALERTS, "notifier-alert-ledger",
                "alerts open longer than its retention are forgotten", this::read);
    }

    void start(@Observes @Priority(1) StartupEvent startup) {
        start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        follower.stop();
    }

    void start() {
        follower.start();
    }

    /** The alert's latest state, waiting (bounded) until the topic has been read to its end once. */
    public Optional<AlertChanged> current(String alertId) {
        awaitCaughtUp();
        return Optional.ofNullable(alerts.get(alertId));
    }

    /** Every alert open now. */
    public List<AlertChanged> open() {
        awaitCaughtUp();
        return alerts.values().stream().filter(AlertChanged::open).toList();
    }

    /** The {@code limit} alerts changed last, open or not, each at its latest revision, newest first. */
    public List<AlertChanged> recent(int limit) {
        awaitCaughtUp();
        return alerts.values().stream().sorted(java.util.Comparator.comparing(AlertChanged::changedAt).reversed())
                .limit(limit).toList();
    }

    /** How many are open as far as read so far, without waiting (a metric must not block). */
    long openNow() {
        return alerts.values().stream().filter(AlertChanged::open).count();
    }

    /** The latest notice published under {@code noticeId}, waiting (bounded) until the topic has been read once. */
    Optional<AlertChanged> lastNotice(String noticeId) {
        awaitCaughtUp();
        return Optional.ofNullable(notices.get(noticeId));
    }

    /** Applies a change this replica published (the follower applies it too, later: no harm). */
    void apply(AlertChanged change) {
        if (change.transition() == AlertChanged.Transition.NOTICE) {
            notices.merge(change.alertId(), change, (old, next) -> next.changedAt().isBefore(old.changedAt()) ? old : next);
            return;
        }
        alerts.merge(change.alertId(), change, (old, next) -> next.revision() >= old.revision() ? next : old);
    }

    private void awaitCaughtUp() {
        try {
            if (!follower.awaitCaughtUp(CATCH_UP_TIMEOUT)) {
                throw new AlertPathException("the alert state on " + Topics.ALERTS + " could not be read within "
                        + CATCH_UP_TIMEOUT + " (is Kafka reachable?)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AlertPathException("interrupted while reading the alert state", e);
        }
    }

    private void read(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            alerts.remove(record.key());
            return;
        }
        try {
            apply(EventJson.read(record.value(), AlertChanged.class));
        } catch (MalformedEventException e) {
            LOG.warnf("%s partition %d offset %d is not an alert and was skipped: %s", record.topic(),
                    record.partition(), record.offset(), e.getMessage());
        }
    }
}
