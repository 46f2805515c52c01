package org.amyterm.backup.notifier.intake;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.amyterm.backup.contracts.AlertChanged.Severity;
import org.amyterm.backup.contracts.MalformedEventException;
import org.amyterm.backup.notifier.lifecycle.AlertBook;
import org.amyterm.backup.notifier.lifecycle.Conditions;
import org.amyterm.backup.notifier.lifecycle.Occurrence;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Every service's dead-letter topic in: one alert per topic, counted while open, saying where the
 * event sat (topic, partition, offset), why it was set aside (the cause the consumer recorded) and
 * what to do: an event nobody can read needs its producer fixed; one set aside because something
 * was down can be replayed once it is back.
 */
@ApplicationScoped
public class DeadLetterIntake {
    private static final int SHOWN_PAYLOAD = 1000;

    private final AlertBook book;
    private final AlertPath path;
    private final MeterRegistry registry;

    public DeadLetterIntake(AlertBook book, AlertPath path, MeterRegistry registry) {
        this.book = book;
        this.path = path;
        this.registry = registry;
    }

    @Incoming("dead-letters")
    @Blocking
    public CompletionStage<Void> onDeadLetter(Message<String> message) {
        Occurrence occurrence = occurrence(message);
        registry.counter("amyterm.notifier.dead.letters", "topic", occurrence.scope()).increment();
        path.run("a dead letter on " + occurrence.scope(), () -> book.raise(occurrence));
        return message.ack();
    }

    static Occurrence occurrence(Message<String> message) {
        IncomingKafkaRecordMetadata<?, ?> record = message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
        String topic = record == null ? "a dead-letter topic" : record.getTopic();
        Headers headers = record == null ? null : record.getHeaders();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("deadLetterTopic", topic);
        if (record != null) {
            details.put("deadLetterPartition", Integer.toString(record.getPartition()));
            details.put("deadLetterOffset", Long.toString(record.getOffset()));
        }
        String from = header(headers, "dead-letter-topic");
        String partition = header(headers, "dead-letter-partition");
        String offset = header(headers, "dead-letter-offset");
        String reason = header(headers, "dead-letter-reason");
        String causeClass = header(headers, "dead-letter-exception-class-name");
        put(details, "topic", from);
        put(details, "partition", partition);
        put(details, "offset", offset);
        put(details, "reason", reason);
        put(details, "exception", causeClass);
        String payload = message.getPayload();
        details.put("payload", payload == null ? "(empty)" : payload.length() > SHOWN_PAYLOAD
                ? payload.substring(0, SHOWN_PAYLOAD) + "…" : payload);
        boolean unreadable = causeClass != null && (causeClass.equals(MalformedEventException.class.getName())
                || causeClass.startsWith("com.fasterxml.jackson."));
        String where = (from == null ? topic : from + " partition " + partition + " offset " + offset)
                + " was set aside on " + topic + (record == null ? "" : " (partition " + record.getPartition() + ", offset "
                        + record.getOffset() + ")");
        String why = reason == null ? "no cause was recorded" : "because: " + reason;
        String advice = unreadable
                ? "the event cannot be read by any consumer: fix its producer, then delete or skip it"
                : causeClass == null ? "inspect it on the dead-letter topic"
                        : "processing it failed, not its content: once the cause is fixed, replay it from the dead-letter"
                                + " topic onto " + (from == null ? "its topic" : from);
        String summary = "An event on " + where + " " + why + "; " + advice;
        return new Occurrence(Conditions.DEAD_LETTER, topic, null, Severity.CRITICAL, summary, "dead-letter", null, null,
                null, details, topic + "|" + (record == null ? "" : record.getPartition() + "|" + record.getOffset()));
    }

    private static void put(Map<String, String> details, String key, String value) {
        if (value != null) {
            details.put(key, value);
        }
    }

    private static String header(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
