package org.amyterm.backup.verifier.operator;

import org.amyterm.backup.verifier.evidence.EvidenceWriter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.RestoreCompleted;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.messaging.EventPublisher;
import org.jboss.logging.Logger;

/**
 * Operator restores of this replica, one at a time (others wait their turn), each followed by its
 * progress until the operator's command has read its end. A restore is interactive: its progress
 * lives here, and a restart of this replica ends it (the command then says so).
 */
@ApplicationScoped
public class OperatorRestores {
    private static final Logger LOG = Logger.getLogger(OperatorRestores.class);
    private static final int KEPT = 50;

    private final OperatorRestore restore;
    private final EventPublisher events;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "operator-restore");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Progress> restores = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Progress> eldest) {
            return size() > KEPT;
        }
    });

    private final EvidenceWriter evidence;

    public OperatorRestores(OperatorRestore restore, EventPublisher events, EvidenceWriter evidence) {
        this.restore = restore;
        this.events = events;
        this.evidence = evidence;
    }

    /**
     * Where a restore stands: {@code queued}, {@code running}, then {@code restored}, {@code dry-run-passed},
     * {@code refused} (a safeguard stopped it; nothing changed) or {@code failed}; with every step said so far.
     */
    public record Progress(String restoreId, String state, List<String> steps, String reason, String message,
            RestoreCompleted result, Instant startedAt, Instant finishedAt) {
    }

    public Progress start(RestoreRequest request) {
        String id = UUID.randomUUID().toString();
        List<String> steps = Collections.synchronizedList(new ArrayList<>());
        Instant startedAt = Instant.now();
        restores.put(id, new Progress(id, "queued", List.of(), null, null, null, startedAt, null));
        worker.submit(() -> {
            restores.put(id, new Progress(id, "running", steps, null, null, null, startedAt, null));
            LOG.infof("operator restore %s started: %s (by %s)", id, request, request.requestedBy());
            restores.put(id, finish(id, request, steps, startedAt));
        });
        return restores.get(id);
    }

    public Optional<Progress> get(String id) {
        Progress progress = restores.get(id);
        return progress == null ? Optional.empty()
                : Optional.of(new Progress(progress.restoreId(), progress.state(), List.copyOf(progress.steps()),
                        progress.reason(), progress.message(), progress.result(), progress.startedAt(), progress.finishedAt()));
    }

    private Progress finish(String id, RestoreRequest request, List<String> steps, Instant startedAt) {
        try {
            Optional<RestoreCompleted> done = restore.run(request, steps::add);
            done.ifPresent(events::publish);
            if (done.isPresent() && !request.unlisted()) {
                record(id, done.get(), steps);
            }
            LOG.infof("operator restore %s %s", id, done.isPresent() ? "restored " + request.targetDatabase() : "dry run passed");
            return new Progress(id, done.isPresent() ? "restored" : "dry-run-passed", steps, null, null, done.orElse(null),
                    startedAt, Instant.now());
        } catch (StageException e) {
            if (!request.dryRun()) {
                events.publishFailure(e);
            }
            return new Progress(id, e instanceof RestoreRefused ? "refused" : "failed", steps, e.reason().code(),
                    e.getMessage(), null, startedAt, Instant.now());
        } catch (RuntimeException e) {
            LOG.errorf(e, "operator restore %s failed unexpectedly", id);
            return new Progress(id, "failed", steps, FailureReason.UNEXPECTED.code(), "the restore failed unexpectedly: " + e,
                    null, startedAt, Instant.now());
        }
    }

    /**
     * Keeps the restore's record beside the backup it restored (the catalogue, the console and
     * {@code status} list it); a restore of a dump outside the catalogue has no folder to keep it in.
     * The restore is done either way: a record that cannot be written is said, and its event stands.
     */
    private void record(String id, RestoreCompleted done, List<String> steps) {
        try {
            steps.add("recorded as " + evidence.writeRestore(done, id));
        } catch (StageException e) {
            LOG.warnf("operator restore %s: %s", id, e.getMessage());
            steps.add(e.getMessage() + " [" + e.reason().code() + "]; RestoreCompleted was published all the same");
        }
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }
}
