package org.amyterm.backup.notifier.alert;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.amyterm.backup.notifier.config.NotifierConfig;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.RestoreVerified;
import org.amyterm.backup.contracts.StageFailed;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Failures, verifications and dead letters in; notifications out. */
@ApplicationScoped
public class EventAlerts {
    private final AlertDispatcher dispatcher;
    private final NotifierConfig config;

    public EventAlerts(AlertDispatcher dispatcher, NotifierConfig config) {
        this.dispatcher = dispatcher;
        this.config = config;
    }

    @Incoming("backup-failed")
    @Blocking
    public void onFailure(String payload) {
        dispatcher.dispatch(Notifications.of(EventJson.read(payload, StageFailed.class)));
    }

    @Incoming("backup-verified")
    @Blocking
    public void onVerified(String payload) {
        RestoreVerified verified = EventJson.read(payload, RestoreVerified.class);
        // a failed restore test also raises a StageFailed, which is the page; one alert per failure
        if (verified.passed() && config.webhook().includeVerifications()) {
            dispatcher.dispatch(Notifications.of(verified));
        }
    }

    @Incoming("dead-letters")
    @Blocking
    public CompletionStage<Void> onDeadLetter(Message<String> message) {
        String topic = message.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getTopic)
                .orElse("a dead-letter topic");
        dispatcher.dispatch(Notifications.deadLetter(topic, message.getPayload()));
        return message.ack();
    }
}
