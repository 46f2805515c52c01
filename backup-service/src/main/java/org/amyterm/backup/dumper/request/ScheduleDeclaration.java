package org.amyterm.backup.dumper.request;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.amyterm.backup.contracts.ScheduleDeclared;
import org.amyterm.backup.dumper.config.SourceDatabases;
import org.amyterm.backup.messaging.EventPublisher;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Tells the notifier which databases this service is configured to back up: soon after start-up
 * and every hour after, on the compacted {@code backup.schedules} (its newest declaration is the
 * state). A database removed from the configuration while it still has backups in the bucket is
 * then alerted once as no longer backed up, not left to its RPO alerts. Off the start-up path: a
 * broker that is away delays the declaration, never the service.
 */
@ApplicationScoped
public class ScheduleDeclaration {
    private static final Logger LOG = Logger.getLogger(ScheduleDeclaration.class);

    private final SourceDatabases databases;
    private final EventPublisher events;
    private final String service;

    public ScheduleDeclaration(SourceDatabases databases, EventPublisher events,
            @ConfigProperty(name = "quarkus.application.name") String service) {
        this.databases = databases;
        this.events = events;
        this.service = service;
    }

    @Scheduled(every = "1h", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void declare() {
        ScheduleDeclared declared = new ScheduleDeclared(service, databases.names(), Instant.now());
        try {
            events.publish(declared);
            LOG.debugf("declared the databases backed up here: %s", declared.databases());
        } catch (RuntimeException e) {
            LOG.warnf("could not declare the databases backed up here (tried again within the hour): %s", e.getMessage());
        }
    }
}
