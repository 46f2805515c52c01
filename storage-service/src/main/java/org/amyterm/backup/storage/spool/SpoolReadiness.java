package org.amyterm.backup.storage.spool;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import org.amyterm.backup.storage.config.StorageConfig;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the spool the dumps arrive on can be read and emptied (its low space alerts
 * apart); before the backup service made it, while where it will be is writable.
 */
@Readiness
@ApplicationScoped
public class SpoolReadiness implements HealthCheck {
    private final Path dir;

    public SpoolReadiness(StorageConfig config) {
        this.dir = config.spoolDir();
    }

    @Override
    public HealthCheckResponse call() {
        return check(dir);
    }

    static HealthCheckResponse check(Path dir) {
        Path existing = dir.toAbsolutePath();
        while (!Files.exists(existing) && existing.getParent() != null) {
            existing = existing.getParent();
        }
        boolean usable = Files.isDirectory(existing) && Files.isReadable(existing) && Files.isWritable(existing);
        return HealthCheckResponse.named("spool").withData("dir", dir.toString())
                .withData("usable", usable).status(usable).build();
    }
}
