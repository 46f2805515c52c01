package org.amyterm.backup.notifier.alert;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.amyterm.backup.notifier.config.NotifierConfig;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.jboss.logging.Logger;

/**
 * Sends notifications to the webhook, once each: a redelivered event (same database, backup,
 * type and summary) is not sent twice. Delivery is retried; a webhook that stays down makes the
 * event fail, and the connector sets it aside on the dead-letter topic rather than lose it.
 */
@ApplicationScoped
public class AlertDispatcher {
    private static final Logger LOG = Logger.getLogger(AlertDispatcher.class);
    private static final int REMEMBERED = 10_000;

    private final Optional<WebhookClient> webhook;
    private final Set<String> sent = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    });

    public AlertDispatcher(NotifierConfig config) {
        this.webhook = config.webhook().url()
                .map(url -> QuarkusRestClientBuilder.newBuilder().baseUri(url).build(WebhookClient.class));
    }

    @Retry(maxRetries = 4, delay = 2000, jitter = 500)
    public void dispatch(Notification notification) {
        String identity = notification.eventType() + "|" + notification.database() + "|" + notification.backupId()
                + "|" + notification.summary();
        synchronized (sent) {
            if (sent.contains(identity)) {
                LOG.debugf("already notified: %s", notification.summary());
                return;
            }
        }
        if (notification.severity().equals(Notification.CRITICAL)) {
            LOG.error(notification.summary());
        } else {
            LOG.info(notification.summary());
        }
        webhook.ifPresent(client -> client.post(notification));
        synchronized (sent) {
            sent.add(identity);
        }
    }
}
