package org.amyterm.backup.contracts;

import java.time.Instant;
import java.util.List;

/**
 * Retention deleted a backup's objects: which ({@code deletedKeys}), why (for people) and by which
 * rule (a stable code, e.g. {@code age:daily:35d}; absent in older events).
 */
public record BackupExpired(
        String backupId,
        String database,
        List<String> deletedKeys,
        String why,
        Instant expiredAt,
        String rule) implements BackupEvent {

    public static final String TYPE = "org.amyterm.backup.expired.v1";

    public BackupExpired {
        BackupId.requireValid(backupId);
        Require.text(database, "database");
        deletedKeys = deletedKeys == null ? List.of() : List.copyOf(deletedKeys);
        Require.text(why, "why");
        Require.present(expiredAt, "expiredAt");
    }

    @Override
    public String cloudEventType() {
        return TYPE;
    }

    @Override
    public String topic() {
        return Topics.EXPIRED;
    }
}
