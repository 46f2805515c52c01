package org.amyterm.backup.dumper.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backup service is ready while a dump can be written to the spool. */
class SpoolReadinessTest {
    @TempDir
    Path dir;

    @Test
    void spoolNotMadeYetIsReadyWhenWhereItWillBeIsWritable() {
        assertThat(SpoolReadiness.check(dir.resolve("spool"), Optional.empty()).getStatus())
                .isEqualTo(HealthCheckResponse.Status.UP);
    }

    @Test
    void spoolThatCannotBeADirectoryIsNotReady() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        HealthCheckResponse response = SpoolReadiness.check(file.resolve("spool"), Optional.empty());
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getData().orElseThrow().get("error").toString()).contains("not a writable directory");
    }

    @Test
    void fullSpoolIsNotReady() throws Exception {
        Path spool = Files.createDirectories(dir.resolve("spool"));
        Files.write(spool.resolve("dump"), new byte[100]);
        assertThat(SpoolReadiness.check(spool, Optional.of(100L)).getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(SpoolReadiness.check(spool, Optional.of(1000L)).getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }
}
