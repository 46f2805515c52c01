package org.amyterm.backup.notifier.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.ce.IncomingCloudEventMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.amyterm.backup.notifier.config.NotifierConfig;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Every {@code backup.*} event, one line each in the CloudEvents JSON format, appended to a file
 * or stdout for a SIEM. Each line's {@code prevsha256} extension is the sha256 of the line before,
 * so a deleted or edited line is detected (docs/events.md, "Audit trail"). A line is written before
 * its event is acknowledged; an event written just before a crash is recognised by its id and not
 * written twice.
 */
@ApplicationScoped
public class AuditTrail {
    private static final Logger LOG = Logger.getLogger(AuditTrail.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REMEMBERED_IDS = 10_000;

    private final String output;
    private final MeterRegistry registry;
    private HashChain chain;
    private final Set<String> written = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_IDS;
        }
    });

    public AuditTrail(NotifierConfig config, MeterRegistry registry) {
        this.output = config.audit().output().trim();
        this.registry = registry;
    }

    @Incoming("audit")
    @Blocking
    public CompletionStage<Void> record(Message<String> message) {
        if (!output.equals("none")) {
            write(message);
        }
        return message.ack();
    }

    synchronized void write(Message<String> message) {
        try {
            HashChain c = chain();
            ObjectNode line = line(message);
            String id = line.path("id").asText() + "|" + line.path("source").asText();
            if (!written.add(id)) {
                return;
            }
            line.put("prevsha256", c.previous());
            c.append(JSON.writeValueAsString(line));
            registry.counter("amyterm.notifier.audit.events").increment();
        } catch (IOException e) {
            // not acknowledged: the event is read again once the output can be written
            throw new UncheckedIOException("the audit trail cannot be written to " + output + ": " + e.getMessage(), e);
        }
    }

    private HashChain chain() throws IOException {
        if (chain == null) {
            chain = output.equals("stdout") ? HashChain.to(System.out) : HashChain.toFile(Path.of(output));
            for (String recent : chain.recentLines()) {
                try {
                    JsonNode line = JSON.readTree(recent);
                    written.add(line.path("id").asText() + "|" + line.path("source").asText());
                } catch (IOException e) {
                    LOG.warnf("a line near the end of the audit trail %s is not JSON", output);
                }
            }
            LOG.infof("audit trail: appending to %s", output);
        }
        return chain;
    }

    /** The event in the CloudEvents JSON format; an event without CloudEvents headers gets its Kafka coordinates as id. */
    static ObjectNode line(Message<String> message) {
        ObjectNode line = JSON.createObjectNode();
        IncomingKafkaRecordMetadata<?, ?> record = message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
        IncomingCloudEventMetadata<?> ce = message.getMetadata(IncomingCloudEventMetadata.class).orElse(null);
        String coordinates = record == null ? "unknown" : record.getTopic() + "/" + record.getPartition() + "/"
                + record.getOffset();
        line.put("specversion", "1.0");
        line.put("id", ce != null ? ce.getId() : coordinates);
        line.put("source", ce != null ? ce.getSource().toString() : "kafka:" + (record == null ? "unknown" : record.getTopic()));
        line.put("type", ce != null ? ce.getType() : "org.amyterm.backup.unattributed");
        if (ce != null && ce.getSubject().isPresent()) {
            line.put("subject", ce.getSubject().get());
        }
        if (ce != null && ce.getTimeStamp().isPresent()) {
            line.put("time", ce.getTimeStamp().get().toString());
        } else if (record != null) {
            line.put("time", record.getTimestamp().toString());
        }
        line.put("datacontenttype", "application/json");
        if (record != null) {
            line.put("kafkatopic", record.getTopic());
            line.put("kafkapartition", record.getPartition());
            line.put("kafkaoffset", record.getOffset());
        }
        String payload = message.getPayload();
        try {
            line.set("data", JSON.readTree(payload == null ? "null" : payload));
        } catch (IOException e) {
            line.put("data_base64", java.util.Base64.getEncoder().encodeToString(
                    payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return line;
    }

    synchronized void close(@Observes ShutdownEvent shutdown) {
        if (chain != null) {
            try {
                chain.close();
            } catch (IOException e) {
                LOG.warnf("closing the audit trail: %s", e.getMessage());
            }
        }
    }
}
