package org.amyterm.backup.notifier;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.amyterm.backup.testsupport.FreePort;
import org.amyterm.backup.testsupport.TestDirs;
import org.amyterm.backup.testsupport.TestServers;
import org.amyterm.backup.testsupport.WebhookReceiver;

/**
 * The notifier's world, all real: the Kafka broker, S3Proxy, a GreenMail SMTP server, and HTTP
 * receivers for the webhook and for the Slack and PagerDuty stand-ins (answering as they do).
 * Short windows: a database watched with an RPO of 20 s, channel retries from 1 s.
 */
public class NotifierResource implements QuarkusTestResourceLifecycleManager {
    public static final String BUCKET = "notifier-unit";
    public static final String WATCHED = "watched_db";
    public static final String HMAC_SECRET = "hmac-" + UUID.randomUUID();
    public static final String ROUTING_KEY = "R" + UUID.randomUUID().toString().replace("-", "");
    public static final String SLACK_TOKEN = "XoxSecret" + UUID.randomUUID().toString().replace("-", "");
    public static WebhookReceiver webhook;
    public static WebhookReceiver slack;
    public static WebhookReceiver pagerDuty;
    public static GreenMail mail;
    public static Path audit;
    public static Path log;

    @Override
    public Map<String, String> start() {
        webhook = WebhookReceiver.start();
        slack = WebhookReceiver.start(200, "ok");
        pagerDuty = WebhookReceiver.start(202, "{\"status\":\"success\",\"message\":\"Event processed\"}");
        mail = new GreenMail(new ServerSetup(FreePort.next(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        Path dir = TestDirs.server("notifier");
        audit = dir.resolve("audit.jsonl");
        log = dir.resolve("notifier.log");
        Map<String, String> config = new HashMap<>(TestServers.s3().storeConfig(BUCKET));
        config.put("kafka.bootstrap.servers", TestServers.kafka().bootstrapServers());
        config.put("quarkus.http.test-port", "0");
        config.put("quarkus.log.file.enabled", "true");
        config.put("quarkus.log.file.path", log.toString());
        config.put("quarkus.log.category.\"software.amazon\".level", "WARN");
        config.put("amyterm.notifier.webhook.url", webhook.url());
        config.put("amyterm.notifier.webhook.hmac-secret", HMAC_SECRET);
        config.put("amyterm.notifier.slack.webhook-url", slack.baseUrl() + "/services/T0/B0/" + SLACK_TOKEN);
        config.put("amyterm.notifier.email.to", "oncall@example.org");
        config.put("amyterm.notifier.email.from", "backup@example.org");
        config.put("quarkus.mailer.host", "127.0.0.1");
        config.put("quarkus.mailer.port", Integer.toString(mail.getSmtp().getPort()));
        // GreenMail offers STARTTLS with a certificate nobody trusts: plain SMTP on the loopback
        config.put("quarkus.mailer.start-tls", "DISABLED");
        config.put("amyterm.notifier.pagerduty.routing-key", ROUTING_KEY);
        config.put("amyterm.notifier.pagerduty.events-url", pagerDuty.baseUrl());
        config.put("amyterm.notifier.pagerduty.min-severity", "warning");
        config.put("amyterm.notifier.catalogue-url", "https://backups.example.org");
        config.put("amyterm.notifier.delivery.initial-delay", "1s");
        config.put("amyterm.notifier.delivery.max-delay", "5s");
        config.put("amyterm.notifier.delivery.request-timeout", "5s");
        config.put("amyterm.notifier.watchdog.every", "2s");
        config.put("amyterm.notifier.watchdog.databases." + WATCHED + ".rpo", "20s");
        config.put("amyterm.notifier.watchdog.databases." + WATCHED + ".verification-window", "1h");
        config.put("amyterm.notifier.watchdog.databases." + WATCHED + ".rto", "5s");
        config.put("amyterm.notifier.audit.output", audit.toString());
        // a new dead-letter topic is found within seconds, not the default half minute
        config.put("mp.messaging.incoming.dead-letters.metadata.max.age.ms", "3000");
        config.put("mp.messaging.incoming.audit.metadata.max.age.ms", "3000");
        return config;
    }

    @Override
    public void stop() {
        webhook.close();
        slack.close();
        pagerDuty.close();
        mail.stop();
    }
}
