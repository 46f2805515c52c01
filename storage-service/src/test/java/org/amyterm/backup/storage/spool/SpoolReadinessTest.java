package org.amyterm.backup.storage.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage service is ready while the spool can be read and emptied. */
class SpoolReadinessTest {
    @TempDir
    Path dir;

    @Test
    void usableSpoolIsReady() throws Exception {
        assertThat(SpoolReadiness.check(Files.createDirectories(dir.resolve("spool"))).getStatus())
                .isEqualTo(HealthCheckResponse.Status.UP);
    }

    @Test
    void spoolWhereAFileIsIsNotReady() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThat(SpoolReadiness.check(file.resolve("spool")).getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    }
}
