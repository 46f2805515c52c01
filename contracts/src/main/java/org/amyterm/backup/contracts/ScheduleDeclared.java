package org.amyterm.backup.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;

/**
 * The databases a backup service is configured to back up, declared at its start and every hour
 * on the compacted topic {@code backup.schedules} (key: the service's name, so the newest
 * declaration of each service is its state). The notifier alerts a database that has backups in
 * the bucket but is in no declaration as "no longer backed up", once, instead of letting its RPO
 * alerts stand for a removal nobody announced.
 */
public record ScheduleDeclared(String service, List<String> databases, Instant declaredAt) implements BackupEvent {

    public static final String TYPE = "org.amyterm.backup.schedule.v1";

    public ScheduleDeclared {
        Require.text(service, "service");
        databases = databases == null ? List.of() : List.copyOf(databases);
        databases.forEach(ObjectLayout::requireDatabaseName);
        Require.present(declaredAt, "declaredAt");
    }

    /** A declaration is of no one database: its metrics and logs name the service instead. */
    @Override
    @JsonIgnore
    public String database() {
        return service;
    }

    @Override
    public String cloudEventType() {
        return TYPE;
    }

    @Override
    public String topic() {
        return Topics.SCHEDULES;
    }
}
