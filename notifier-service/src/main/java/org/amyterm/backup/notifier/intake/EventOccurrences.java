package org.amyterm.backup.notifier.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.amyterm.backup.contracts.AlertChanged.Severity;
import org.amyterm.backup.contracts.BackupEvent;
import org.amyterm.backup.contracts.BackupExpired;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.RestoreCompleted;
import org.amyterm.backup.contracts.RestoreVerified;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.notifier.lifecycle.Conditions;
import org.amyterm.backup.notifier.lifecycle.Occurrence;
import org.amyterm.backup.objectstore.ObjectStoreConfig;

/** Turns pipeline events into occurrences: the lines a person reads, and where the evidence is. */
@ApplicationScoped
public class EventOccurrences {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectLayout layout;
    private final String bucket;

    public EventOccurrences(ObjectLayout layout, ObjectStoreConfig store) {
        this.layout = layout;
        this.bucket = store.bucket();
    }

    Occurrence of(StageFailed failed) {
        String summary = "Backup " + failed.stage().code() + " of " + failed.database() + " failed ["
                + failed.reason().code() + "]: " + failed.message()
                + (failed.stillRetrying() ? " (still retrying until " + failed.retryingUntil()
                        + "; another alert follows only if it gives up)"
                        : failed.retryable() ? " (retries were exhausted)" : "");
        String evidence = failed.backupId() == null ? null : failed.stage() == Stage.VERIFY
                ? evidence(failed.database(), failed.backupId(), true) : evidence(failed.database(), failed.backupId(), false);
        String condition = failed.reason().isRefusal() ? Conditions.REQUEST_REFUSED : Conditions.failed(failed.stage());
        return new Occurrence(condition, failed.database(), failed.database(),
                failed.stillRetrying() ? Severity.WARNING : Severity.CRITICAL, summary, StageFailed.TYPE,
                failed.backupId(), tree(failed), evidence,
                Map.of("stage", failed.stage().code(), "reason", failed.reason().code()),
                StageFailed.TYPE + "|" + failed.backupId() + "|" + failed.stage().code() + "|" + failed.failedAt() + "|"
                        + failed.stillRetrying());
    }

    Occurrence of(RestoreVerified verified) {
        long passed = verified.checks().stream().filter(CheckResult::passed).count();
        String summary = "Restore test of " + verified.database() + " " + (verified.passed() ? "passed" : "FAILED")
                + ": backup " + verified.backupId() + " restored in " + verified.restoreMillis() + " ms"
                + (verified.rtoTarget() == null ? "" : " (RTO target " + verified.rtoTarget() + ")") + ", " + passed + "/"
                + verified.checks().size() + " checks passed; evidence at " + verified.evidenceKey();
        return success(verified, summary, verified.passed() ? Severity.INFO : Severity.CRITICAL, verified.backupId(),
                "s3://" + bucket + "/" + verified.evidenceKey());
    }

    Occurrence of(BackupStored stored) {
        return success(stored, "Backup " + stored.backupId() + " of " + stored.database() + " stored ("
                + stored.ciphertextBytes() + " bytes encrypted) at s3://" + stored.bucket() + "/" + stored.objectKey(),
                Severity.INFO, stored.backupId(), "s3://" + stored.bucket() + "/" + stored.manifestKey());
    }

    Occurrence of(RestoreCompleted restored) {
        return success(restored, "Backup " + restored.backupId() + " of " + restored.database() + " restored into "
                + restored.targetDatabase() + " as " + restored.nodeRole() + " by " + restored.requestedBy() + " in "
                + restored.restoreMillis() + " ms", Severity.INFO, restored.backupId(), null);
    }

    Occurrence of(BackupExpired expired) {
        return success(expired, "Retention expired backup " + expired.backupId() + " of " + expired.database() + ": "
                + expired.why(), Severity.INFO, expired.backupId(), null);
    }

    /** A success, identified by its exact content: the same event delivered twice is told once. */
    private Occurrence success(BackupEvent event, String summary, Severity severity, String backupId, String evidence) {
        String json = EventJson.write(event);
        return new Occurrence("success", event.database(), event.database(), severity, summary, event.cloudEventType(),
                backupId, tree(event), evidence, Map.of(), event.cloudEventType() + "|" + sha256(json));
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private String evidence(String database, String backupId, boolean verification) {
        if (!ObjectLayout.isDatabaseName(database)) {
            return null;
        }
        try {
            return "s3://" + bucket + "/" + (verification ? layout.verificationKey(database, backupId)
                    : layout.failureKey(database, backupId));
        } catch (IllegalArgumentException e) {
            return null; // an id that names no folder has no evidence to point at
        }
    }

    private static JsonNode tree(Object event) {
        try {
            return JSON.readTree(EventJson.write(event));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("an event that was just written as JSON cannot be read back", e);
        }
    }
}
