package org.amyterm.backup.notifier.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.audit.AuditCheckpoint;
import org.amyterm.backup.contracts.audit.AuditKey;
import org.amyterm.backup.contracts.audit.AuditLine;
import org.amyterm.backup.notifier.config.NotifierConfig;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

/**
 * Every {@code backup.*} event, one line each in the CloudEvents JSON format, appended to a file
 * or stdout for a SIEM by the active notifier replica ({@link AuditFollower}). Each line's
 * {@code prevsha256} extension is the sha256 of the line before, and its {@code linemac} seals it
 * with the audit key, so an edited, deleted or re-chained line is detected; checkpoints in the
 * bucket (line count and chain head, sealed too) reveal a cut tail (docs/events.md, "Audit trail";
 * checked by {@code amyterm-backup audit verify}). A line is on disk before its event is
 * acknowledged; an event written just before a crash, or by the replica active before this one, is
 * recognised by its id and not written twice.
 */
@ApplicationScoped
public class AuditTrail {
    private static final Logger LOG = Logger.getLogger(AuditTrail.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REMEMBERED_IDS = 10_000;
    /** How long a replica taking over waits for the one before it to let go of a shared file. */
    private static final Duration LOCK_WAIT = Duration.ofMinutes(1);

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

    boolean isEnabled() {
        return !output.equals("none");
    }

    /** A trail without its key would be unsealed: the service does not start so configured. */
    void requireKey(@Observes @Priority(1) StartupEvent startup) {
        if (!isEnabled()) {
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

    /**
     * Opens the output for this replica's turn as the active one: a file is locked (another replica
     * may hold it for a while yet) and its end read again, since another replica may have written it.
     */
    synchronized void open() throws IOException {
        if (chain != null) {
            return;
        }
        chain = output.equals("stdout") ? HashChain.to(System.out) : HashChain.toFile(Path.of(output), LOCK_WAIT);
        for (String recent : chain.recentLines()) {
            try {
                JsonNode line = JSON.readTree(recent);
                written.add(line.path("id").asText() + "|" + line.path("source").asText());
            } catch (IOException e) {
                LOG.warnf("a line near the end of the audit trail %s is not JSON", output);
            }
        }
        LOG.infof("audit trail: appending to %s (%d lines so far)", output, chain.head().lines());
    }

    /** Ends this replica's turn: a last checkpoint, then the file closed and its lock released. */
    void release() {
        checkpoint();
        synchronized (this) {
            if (chain != null) {
                try {
                    chain.close();
                } catch (IOException e) {
                    LOG.warnf("closing the audit trail: %s", e.getMessage());
                }
                chain = null;
            }
        }
    }

    /** Appends the record's line (on disk when this returns), unless its event is in the trail already. */
    synchronized void write(ConsumerRecord<String, String> record) throws IOException {
        if (chain == null) {
            throw new IOException("the audit trail " + output + " is not open");
        }
        ObjectNode line = line(record);
        String id = line.path("id").asText() + "|" + line.path("source").asText();
        if (!written.add(id)) {
            return;
        }
        line.put("prevsha256", chain.previous());
        try {
            chain.append(AuditLine.seal(JSON.writeValueAsString(line), key));
        } catch (IOException e) {
            written.remove(id); // read again, and written then
            throw new IOException("the audit trail cannot be written to " + output + ": " + e.getMessage(), e);
        }
        registry.counter("amyterm.notifier.audit.events").increment();
    }

    @Scheduled(every = "${amyterm.notifier.audit.checkpoint-every:10m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void checkpointOnSchedule() {
        checkpoint();
    }

    /**
     * Writes the checkpoint of the file's lines so far to the bucket, while this replica holds the
     * trail, unless one of this count is there already (a restart, or nothing new). A bucket away is
     * retried at the next interval.
     */
    void checkpoint() {
        HashChain.Head head;
        synchronized (this) {
            if (chain == null || !chain.isFile()) {
                return;
            }
            head = chain.head();
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

    /**
     * The event in the CloudEvents JSON format, from its binary-mode {@code ce_} headers; an event
     * without them gets its Kafka coordinates as id.
     */
    static ObjectNode line(ConsumerRecord<String, String> record) {
        ObjectNode line = JSON.createObjectNode();
        String id = header(record, "ce_id");
        String source = header(record, "ce_source");
        String type = header(record, "ce_type");
        String subject = header(record, "ce_subject");
        String time = header(record, "ce_time");
        line.put("specversion", "1.0");
        line.put("id", id != null ? id : record.topic() + "/" + record.partition() + "/" + record.offset());
        line.put("source", source != null ? source : "kafka:" + record.topic());
        line.put("type", type != null ? type : "org.amyterm.backup.unattributed");
        if (subject != null) {
            line.put("subject", subject);
        }
        line.put("time", time != null ? time : Instant.ofEpochMilli(record.timestamp()).toString());
        line.put("datacontenttype", "application/json");
        line.put("kafkatopic", record.topic());
        line.put("kafkapartition", record.partition());
        line.put("kafkaoffset", record.offset());
        String payload = record.value();
        try {
            line.set("data", JSON.readTree(payload == null ? "null" : payload));
        } catch (IOException e) {
            line.put("data_base64", Base64.getEncoder().encodeToString(payload.getBytes(StandardCharsets.UTF_8)));
        }
        return line;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
