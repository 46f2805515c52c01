package org.amyterm.backup.notifier.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.amyterm.backup.contracts.AlertChanged;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.messaging.RetryWindow;
import org.amyterm.backup.notifier.config.NotifierConfig;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The outbox: each channel reads {@code backup.alerts} in its own consumer group on its own worker,
 * and commits a change only once the channel took it. A channel that is down is retried with
 * backoff within {@code amyterm.notifier.delivery.window}, holding back only its own later alerts;
 * a restart resumes where it stopped. Every attempt that fails is logged and counted
 * ({@code amyterm_notifier_deliveries_total{outcome="failed"}}); a change older than the window is not
 * sent any more (a channel added later does not hear last year's alerts).
 */
@ApplicationScoped
public class ChannelDeliveries {
    private static final Logger LOG = Logger.getLogger(ChannelDeliveries.class);

    private final WebhookChannel webhook;
    private final SlackChannel slack;
    private final EmailChannel email;
    private final PagerDutyChannel pagerDuty;
    private final RetryWindow window;
    private final Duration maxAge;
    private final MeterRegistry registry;
    private final Clock clock = Clock.systemUTC();
    private final DeliveryLedger ledger;

    /**
     * What a channel did last, on whichever replica ({@link DeliveryLedger}): the alert and transition
     * it last tried, how that ended, and when.
     */
    public record ChannelState(String channel, boolean configured, String alertId, String transition, String outcome,
            Instant at, String problem) {
    }

    ChannelDeliveries(WebhookChannel webhook, SlackChannel slack, EmailChannel email, PagerDutyChannel pagerDuty,
            NotifierConfig config, MeterRegistry registry, DeliveryLedger ledger) {
        this.webhook = webhook;
        this.slack = slack;
        this.email = email;
        this.pagerDuty = pagerDuty;
        this.window = config.delivery().retryWindow();
        this.maxAge = config.delivery().window();
        this.registry = registry;
        this.ledger = ledger;
        for (AlertChannel channel : List.of(webhook, slack, email, pagerDuty)) {
            LOG.infof("alert channel %s: %s", channel.name(), channel.configured()
                    ? "on, from severity " + channel.route().minSeverity().code() : "not configured");
        }
    }

    @Incoming("alerts-webhook")
    @Blocking("alerts-webhook")
    public void toWebhook(String change) {
        deliver(webhook, change);
    }

    @Incoming("alerts-slack")
    @Blocking("alerts-slack")
    public void toSlack(String change) {
        deliver(slack, change);
    }

    @Incoming("alerts-email")
    @Blocking("alerts-email")
    public void toEmail(String change) {
        deliver(email, change);
    }

    @Incoming("alerts-pagerduty")
    @Blocking("alerts-pagerduty")
    public void toPagerDuty(String change) {
        deliver(pagerDuty, change);
    }

    void deliver(AlertChannel channel, String payload) {
        AlertChanged change = EventJson.read(payload, AlertChanged.class);
        if (!channel.configured() || !channel.takes(change)) {
            return;
        }
        if (change.changedAt().isBefore(clock.instant().minus(maxAge))) {
            LOG.warnf("%s: not sending %s of %s from %s, older than amyterm.notifier.delivery.window", channel.name(),
                    change.transition().code(), change.alertId(), change.changedAt());
            count(channel, "expired");
            return;
        }
        try {
            window.run(Boolean.class, () -> attempt(channel, change),
                    failure -> failure instanceof DeliveryFailed failed && failed.fault(),
                    (failure, until) -> {
                        LOG.errorf("%s is failing (%s); retrying %s of %s until %s, other channels go on", channel.name(),
                                failure.getMessage(), change.transition().code(), change.alertId(), until);
                        return true;
                    });
        } catch (DeliveryFailed e) {
            LOG.errorf("%s did not take %s of %s: %s; it goes to the channel's dead-letter topic", channel.name(),
                    change.transition().code(), change.alertId(), e.getMessage());
            remember(channel, change, "dead-lettered", e.getMessage());
            throw e;
        }
        count(channel, "delivered");
        remember(channel, change, "delivered", null);
        LOG.infof("%s: sent %s of %s", channel.name(), change.transition().code(), change.alertId());
    }

    private Boolean attempt(AlertChannel channel, AlertChanged change) {
        try {
            channel.deliver(change);
            return Boolean.TRUE;
        } catch (DeliveryFailed e) {
            count(channel, e.fault() ? "failed" : "rejected");
            remember(channel, change, e.fault() ? "failing, retried" : "rejected", e.getMessage());
            LOG.warnf("%s: attempt to send %s of %s failed: %s", channel.name(), change.transition().code(),
                    change.alertId(), e.getMessage());
            throw e;
        }
    }

    /** Each channel's last delivery by any replica: webhook, Slack, e-mail, PagerDuty. */
    public List<ChannelState> states() {
        return List.of(webhook, slack, email, pagerDuty).stream().map(c -> !c.configured()
                ? new ChannelState(c.name(), false, null, null, "not configured", null, null)
                : ledger.latest(c.name()).orElse(new ChannelState(c.name(), true, null, null, "nothing sent yet", null, null)))
                .toList();
    }

    private void remember(AlertChannel channel, AlertChanged change, String outcome, String problem) {
        ledger.record(new ChannelState(channel.name(), true, change.alertId(), change.transition().code(), outcome,
                clock.instant(), problem));
    }

    private void count(AlertChannel channel, String outcome) {
        registry.counter("amyterm.notifier.deliveries", "channel", channel.name(), "outcome", outcome).increment();
    }
}
