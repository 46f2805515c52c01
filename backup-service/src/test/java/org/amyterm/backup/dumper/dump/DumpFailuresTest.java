package org.amyterm.backup.dumper.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.dumper.config.Configs;
import org.amyterm.backup.dumper.config.SourceDatabases;
import org.amyterm.backup.testsupport.FreePort;
import org.amyterm.backup.testsupport.PostgresServer;
import org.amyterm.backup.testsupport.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way a dump fails, on a real PostgreSQL: the reason, whether to retry, and an empty spool. */
class DumpFailuresTest {
    private final PostgresServer postgres = TestServers.postgres();
    @TempDir
    Path spool;
    @TempDir
    Path nowhere;

    @Test
    void aWorkingConfigurationDumps() {
        // the positive case of the tests below: the same setup with nothing wrong
        assertThat(dumper(Map.of()).dump(request(), started -> { }).archiveBytes()).isPositive();
    }

    @Test
    void aWrongPasswordIsPermanent() {
        assertFails(Map.of("amyterm.backup.source.password", "wrong"), FailureReason.SOURCE_AUTH_FAILED, false);
    }

    @Test
    void anUnreachableServerIsRetryable() {
        assertFails(Map.of("amyterm.backup.source.port", Integer.toString(FreePort.next())),
                FailureReason.SOURCE_UNREACHABLE, true);
    }

    @Test
    void noPgDumpForTheServersMajorVersionIsRetryableAndSaysWhatToInstall() {
        StageException failure = assertFails(Map.of("amyterm.backup.dump.pg-bin-dir", nowhere.toString(),
                "amyterm.backup.dump.pg-bin-from-path", "false",
                "amyterm.backup.dump.pg-bin-dir-pattern", nowhere + "/{major}/bin"), FailureReason.PG_DUMP_MISSING, true);
        assertThat(failure.getMessage()).contains("found: none", "amyterm.backup.dump.pg-bin-dirs.");
    }

    private StageException assertFails(Map<String, String> change, FailureReason reason, boolean retryable) {
        DumpRunner dumper = dumper(change);
        StageException[] thrown = new StageException[1];
        assertThatThrownBy(() -> dumper.dump(request(), started -> { })).isInstanceOfSatisfying(StageException.class, e -> {
            assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
            assertThat(e.isRetryable()).isEqualTo(retryable);
            assertThat(e.getMessage()).doesNotContain(postgres.password());
            thrown[0] = e;
        });
        assertThat(spoolFiles()).as("nothing left on the spool").isEmpty();
        return thrown[0];
    }

    private DumpRunner dumper(Map<String, String> change) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "amyterm.backup.source.host", postgres.host(),
                "amyterm.backup.source.port", Integer.toString(postgres.port()),
                "amyterm.backup.source.user", PostgresServer.SUPERUSER,
                "amyterm.backup.source.password", postgres.password(),
                "amyterm.backup.source.databases", "postgres",
                "amyterm.backup.spool.dir", spool.toString(),
                "amyterm.backup.dump.pg-bin-dir", postgres.binDir().toString()));
        properties.putAll(change);
        var config = Configs.backupConfig(properties);
        return new DumpRunner(config, new SourceDatabases(config));
    }

    private static BackupRequested request() {
        return BackupRequested.of("postgres", BackupReason.MANUAL, "test", UUID.randomUUID().toString(), Instant.now());
    }

    private java.util.List<Path> spoolFiles() {
        try (Stream<Path> files = Files.list(spool)) {
            return files.toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
