package org.amyterm.backup.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * A stored backup is to be restore-tested again: on a schedule (the last known good of each
 * database, weekly by default) or on demand ({@code amyterm-backup verify BACKUP_ID}).
 * {@code verificationId} names the evidence this request produces
 * ({@code verification.<verificationId>.json}), so a redelivered request never tests twice.
 */
public record VerificationRequested(
        String verificationId,
        String backupId,
        String database,
        Trigger trigger,
        String requestedBy,
        Instant requestedAt) implements BackupEvent {

    public static final String TYPE = "org.amyterm.backup.verification-requested.v1";

    public VerificationRequested {
        BackupId.requireValid(verificationId);
        BackupId.requireValid(backupId);
        ObjectLayout.requireDatabaseName(database);
        Require.present(trigger, "trigger");
        Require.text(requestedBy, "requestedBy");
        Require.present(requestedAt, "requestedAt");
    }

    /** A request; the same {@code idempotencyKey} gives the same {@code verificationId}. */
    public static VerificationRequested of(String backupId, String database, Trigger trigger, String requestedBy,
            String idempotencyKey, Instant requestedAt) {
        return new VerificationRequested(BackupId.of(requestedAt, backupId + "/" + idempotencyKey), backupId, database,
                trigger, requestedBy, requestedAt);
    }

    @Override
    public String cloudEventType() {
        return TYPE;
    }

    @Override
    public String topic() {
        return Topics.VERIFICATION_REQUESTS;
    }

    /** What started a verification: the backup being stored, the schedule, or an operator. */
    public enum Trigger {
        STORED, SCHEDULED, REQUESTED;

        @JsonValue
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Trigger fromCode(String code) {
            return Arrays.stream(values()).filter(t -> t.code().equalsIgnoreCase(code)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown verification trigger '" + code
                            + "'; expected stored, scheduled or requested"));
        }
    }
}
