package org.amyterm.backup.dumper.dump;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.amyterm.backup.dumper.config.BackupConfig;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while a dump can be written to the spool: it is writable and has room. */
@Readiness
@ApplicationScoped
public class SpoolReadiness implements HealthCheck {
    private final BackupConfig.Spool spool;

    public SpoolReadiness(BackupConfig config) {
        this.spool = config.spool();
    }

    @Override
    public HealthCheckResponse call() {
        return check(spool.dir(), spool.maxBytes());
    }

    static HealthCheckResponse check(Path dir, java.util.Optional<Long> maxBytes) {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("spool").withData("dir", dir.toString());
        // made with the first dump: until then, where it will be made must be writable
        Path existing = dir.toAbsolutePath();
        while (!Files.exists(existing) && existing.getParent() != null) {
            existing = existing.getParent();
        }
        if (!Files.isDirectory(existing) || !Files.isWritable(existing)) {
            return response.down().withData("error", existing + " is not a writable directory").build();
        }
        try {
            long room = existing.equals(dir.toAbsolutePath()) ? SpoolRoom.of(dir, maxBytes)
                    : Files.getFileStore(existing).getUsableSpace();
            return response.withData("roomBytes", room).status(room > 0).build();
        } catch (IOException e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
