package org.amyterm.backup.notifier.alert;

import com.fasterxml.jackson.annotation.JsonRawValue;

/**
 * What the webhook receives: a severity, a line a person can act on, the database, the backup, the
 * CloudEvents type and the event itself (the record as published, JSON).
 */
public record Notification(
        String severity,
        String summary,
        String database,
        String backupId,
        String eventType,
        @JsonRawValue String event) {

    public static final String CRITICAL = "critical";
    public static final String INFO = "info";
}
