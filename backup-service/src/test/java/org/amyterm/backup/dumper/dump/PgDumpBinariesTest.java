package org.amyterm.backup.dumper.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.amyterm.backup.testsupport.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which installed pg_dump dumps a server of a given major version. */
class PgDumpBinariesTest {
    private final Path installed = TestServers.postgres().binDir();
    private final int major = PgDumpBinaries.majorOf(org.amyterm.backup.pgtools.PgClientProcess.version(
            Optional.of(installed), "pg_dump")).orElseThrow();

    @Test
    void theOldestPgDumpAtLeastAsNewAsTheServerIsChosen(@TempDir Path empty) {
        // Given the installed client found through the directory pattern only
        String pattern = installed.toString().replace("/" + major + "/", "/{major}/");
        PgDumpBinaries binaries = new PgDumpBinaries(Optional.of(empty), Map.of(), pattern, false);

        // Then it dumps servers of its own major version and older, not newer ones
        assertThat(binaries.forServer(major)).map(PgDumpBinaries.Installed::binDir).contains(Optional.of(installed));
        assertThat(binaries.forServer(major - 2)).map(PgDumpBinaries.Installed::major).contains(major);
        assertThat(binaries.forServer(major + 1)).isEmpty();
    }

    @Test
    void aDirectoryConfiguredForAMajorVersionIsACandidate(@TempDir Path nowhere) {
        PgDumpBinaries binaries = new PgDumpBinaries(Optional.empty(), Map.of(Integer.toString(major), installed),
                nowhere + "/{major}/bin", false);
        assertThat(binaries.forServer(major)).isPresent();
        assertThat(new PgDumpBinaries(Optional.empty(), Map.of(), nowhere + "/{major}/bin", false).installed()).isEmpty();
    }

    @Test
    void versionsAreReadAsPgDumpPrintsThem() {
        assertThat(PgDumpBinaries.majorOf("pg_dump (PostgreSQL) 15.18")).contains(15);
        assertThat(PgDumpBinaries.majorOf("pg_dump (PostgreSQL) 17.2 (Debian 17.2-1.pgdg120+1)")).contains(17);
        assertThat(PgDumpBinaries.majorOf("unknown")).isEmpty();
        assertThat(Files.isExecutable(installed.resolve("pg_dump"))).isTrue();
    }
}
