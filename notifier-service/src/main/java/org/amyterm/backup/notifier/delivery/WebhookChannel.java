package org.amyterm.backup.notifier.delivery;

import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.amyterm.backup.contracts.AlertChanged;
import org.amyterm.backup.contracts.AlertChanged.Transition;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.notifier.config.NotifierConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * POSTs each alert change as compact JSON (the AlertChanged record) with the CloudEvents HTTP
 * binding's {@code ce-*} headers, and, when a secret is set, {@code X-Amyterm-Signature:
 * sha256=<hex HMAC-SHA256 of the body>} so the receiver can tell it came from us.
 */
@Singleton
class WebhookChannel extends HttpAlertChannel<WebhookApi> {
    static final String SIGNATURE_HEADER = "X-Amyterm-Signature";

    private final NotifierConfig.Webhook config;
    private final String source;

    WebhookChannel(NotifierConfig config, @ConfigProperty(name = "quarkus.application.name") String application) {
        super("webhook", config.webhook(), config.webhook().url(), WebhookApi.class, config.delivery().requestTimeout());
        this.config = config.webhook();
        this.source = "urn:amyterm-backup:" + application;
    }

    @Override
    public boolean takes(AlertChanged change) {
        return super.takes(change)
                && (change.transition() != Transition.NOTICE || config.includeVerifications());
    }

    @Override
    public void deliver(AlertChanged change) {
        String body = EventJson.write(change);
        String signature = config.hmacSecret().map(secret -> "sha256=" + hmac(secret, body)).orElse(null);
        send(api -> api.post("1.0",
                change.alertId() + "@" + change.revision() + "@" + change.changedAt().toEpochMilli(), source,
                AlertChanged.TYPE, change.subject(), change.changedAt().toString(), signature, body));
    }

    static String hmac(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
