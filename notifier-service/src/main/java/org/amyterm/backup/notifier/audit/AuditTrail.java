package org.amyterm.backup.notifier.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.ce.IncomingCloudEventMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.audit.AuditCheckpoint;
import org.amyterm.backup.contracts.audit.AuditKey;
import org.amyterm.backup.contracts.audit.AuditLine;
import org.amyterm.backup.notifier.config.NotifierConfig;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Every {@code backup.*} event, one line each in the CloudEvents JSON format, appended to a file
 * or stdout for a SIEM. Each line's {@code prevsha256} extension is the sha256 of the line before,
 * and its {@code linemac} seals it with the audit key, so an edited, deleted or re-chained line is
 * detected; checkpoints in the bucket (line count and chain head, sealed too) reveal a cut tail
 * (docs/events.md, "Audit trail"; checked by {@code amyterm-backup audit verify}). A line is on disk
 * before its event is acknowledged; an event written just before a crash is recognised by its id and
 * not written twice.
 */
@ApplicationScoped
public class AuditTrail {
    private static final Logger LOG = Logger.getLogger(AuditTrail.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REMEMBERED_IDS = 10_000;

    private final String output;
    private final NotifierConfig.Audit settings;
    private final MeterRegistry registry;
    private final ObjectStore store;
    private final ObjectLayout layout;
    private AuditKey key;
    private HashChain chain;
    /** Lines the newest checkpoint written by this process vouches for. */
    private long checkpointed;
    private final Set<String> written = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_IDS;
        }
    });

    public AuditTrail(NotifierConfig config, MeterRegistry registry, ObjectStore store, ObjectLayout layout) {
        this.settings = config.audit();
        this.output = settings.output().trim();
        this.registry = registry;
        this.store = store;
        this.layout = layout;
    }

    /** A trail without its key would be unsealed: the service does not start so configured. */
    void requireKey(@Observes StartupEvent startup) {
        if (output.equals("none")) {
            return;
        }
        AuditCheckpoint.requireTrailName(settings.trail());
        Path file = settings.keyFile().orElseThrow(() -> new IllegalStateException(
                "amyterm.notifier.audit.output is " + output + " but amyterm.notifier.audit.key-file is not set: the"
                        + " trail's lines are sealed with that key (docs/events.md, \"Audit trail\")"));
        try {
            key = AuditKey.fromFile(file);
        } catch (IOException e) {
            throw new IllegalStateException("amyterm.notifier.audit.key-file " + file + " cannot be read: " + e.getMessage(), e);
        }
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
            c.append(AuditLine.seal(JSON.writeValueAsString(line), key));
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

    @Scheduled(every = "${amyterm.notifier.audit.checkpoint-every:10m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void checkpointOnSchedule() {
        checkpoint();
    }

    /**
     * Writes the checkpoint of the file's lines so far to the bucket, unless one of this count is
     * there already (a restart, or nothing new). A bucket away is retried at the next interval.
     */
    void checkpoint() {
        if (output.equals("none") || output.equals("stdout")) {
            return;
        }
        HashChain.Head head;
        synchronized (this) {
            try {
                head = chain().head();
            } catch (IOException e) {
                LOG.warnf("audit trail checkpoint: %s cannot be read: %s", output, e.getMessage());
                return;
            }
            if (head.lines() == 0 || head.lines() == checkpointed) {
                return;
            }
        }
        Instant now = Instant.now();
        AuditCheckpoint checkpoint = AuditCheckpoint.sealed(settings.trail(), head.lines(), head.sha256(), now, key);
        try {
            store.putTextIfAbsent(layout.auditCheckpointKey(settings.trail(), head.lines()), checkpoint.toJson(),
                    now.plus(settings.checkpointLock()));
            synchronized (this) {
                checkpointed = Math.max(checkpointed, head.lines());
            }
            registry.counter("amyterm.notifier.audit.checkpoints").increment();
        } catch (ObjectStoreException e) {
            registry.counter("amyterm.notifier.audit.checkpoint.failures").increment();
            LOG.warnf("audit trail checkpoint of %d lines not written (tried again in %s): %s", head.lines(),
                    settings.checkpointEvery(), e.getMessage());
        }
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

    /** The last checkpoint, then the file closed: a clean stop leaves nothing unvouched for. */
    void close(@Observes ShutdownEvent shutdown) {
        checkpoint();
        synchronized (this) {
            if (chain != null) {
                try {
                    chain.close();
                } catch (IOException e) {
                    LOG.warnf("closing the audit trail: %s", e.getMessage());
                }
            }
        }
    }
}
