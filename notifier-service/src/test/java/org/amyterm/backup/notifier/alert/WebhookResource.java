package org.amyterm.backup.notifier.alert;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import java.util.HashMap;
import java.util.Map;
import org.amyterm.backup.testsupport.WebhookReceiver;

/** A real HTTP webhook receiver; the notifier's Kafka channels in memory. */
public class WebhookResource implements QuarkusTestResourceLifecycleManager {
    static WebhookReceiver webhook;

    @Override
    public Map<String, String> start() {
        webhook = WebhookReceiver.start();
        Map<String, String> config = new HashMap<>(
                InMemoryConnector.switchIncomingChannelsToInMemory("backup-failed", "backup-verified", "dead-letters"));
        config.put("amyterm.notifier.webhook.url", webhook.url());
        return config;
    }

    @Override
    public void stop() {
        webhook.close();
        InMemoryConnector.clear();
    }
}
