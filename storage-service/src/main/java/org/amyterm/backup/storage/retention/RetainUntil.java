package org.amyterm.backup.storage.retention;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.storage.config.StorageConfig;

/**
 * Until when a new backup is kept by its retention class: recorded in BackupStored and, where the
 * bucket has Object Lock ({@code amyterm.store.object-lock.mode}), set on its objects, so not even
 * a stolen credential deletes it sooner.
 */
@ApplicationScoped
public class RetainUntil {
    private final StorageConfig.Retention config;

    public RetainUntil(StorageConfig config) {
        this.config = config.retention();
    }

    public Instant of(BackupReason reason, Instant from) {
        return from.plus(config.daysOf(reason == null ? "daily" : reason.retentionClass()), ChronoUnit.DAYS);
    }
}
