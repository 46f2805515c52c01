package org.amyterm.backup.dumper.request;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.amyterm.backup.dumper.config.SourceDatabases;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.messaging.EventPublisher;

/** Turns "back this database up" (from the schedule, REST or the CLI) into a BackupRequested event. */
@ApplicationScoped
public class BackupRequests {
    private final SourceDatabases databases;
    private final EventPublisher events;

    public BackupRequests(SourceDatabases databases, EventPublisher events) {
        this.databases = databases;
        this.events = events;
    }

    public BackupRequested request(String database, BackupReason reason, String requestedBy, String idempotencyKey) {
        return request(database, reason, requestedBy, idempotencyKey, Instant.now());
    }

    /** A request at a given time: the time and the idempotency key fix the backup id. */
    public BackupRequested request(String database, BackupReason reason, String requestedBy, String idempotencyKey,
            Instant requestedAt) {
        ObjectLayout.requireDatabaseName(database);
        List<String> known = databases.names();
        if (!known.contains(database)) {
            throw new UnknownDatabaseException(database, known);
        }
        String key = idempotencyKey == null || idempotencyKey.isBlank() ? UUID.randomUUID().toString() : idempotencyKey;
        BackupRequested request = BackupRequested.of(database, reason, requestedBy, key, requestedAt);
        events.publish(request);
        return request;
    }

    /** The database is not one this service is configured to back up. */
    public static class UnknownDatabaseException extends IllegalArgumentException {
        public UnknownDatabaseException(String database, List<String> known) {
            super("database '" + database + "' is not configured for backup; configured: " + String.join(", ", known)
                    + " (amyterm.backup.source.databases, amyterm.backup.databases)");
        }
    }
}
