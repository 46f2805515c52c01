package org.amyterm.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's bearer token comes from the environment or a file, never a flag, and never shows. */
class ApiTokenTest {
    @TempDir
    Path dir;

    @Test
    void tokenFromTheEnvironmentWinsOverTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("t"), "from-file\n");
        assertThat(ApiToken.from(Map.of("AMYTERM_BACKUP_TOKEN", "from-env", "AMYTERM_BACKUP_TOKEN_FILE", file.toString()))
                .orElseThrow().authorization()).isEqualTo("Bearer from-env");
    }

    @Test
    void tokenFileGivesItsFirstLineAndToStringHidesIt() throws Exception {
        Path file = Files.writeString(dir.resolve("t"), "eyJ.abc.def\nsecond line\n");
        ApiToken token = ApiToken.from(Map.of("AMYTERM_BACKUP_TOKEN_FILE", file.toString())).orElseThrow();
        assertThat(token.authorization()).isEqualTo("Bearer eyJ.abc.def");
        assertThat(token.toString()).doesNotContain("eyJ");
    }

    @Test
    void unreadableOrEmptyTokenFileIsAUsageErrorNamingIt() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        for (Path file : new Path[] {dir.resolve("missing"), empty}) {
            assertThatThrownBy(() -> ApiToken.from(Map.of("AMYTERM_BACKUP_TOKEN_FILE", file.toString())))
                    .isInstanceOfSatisfying(CliException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                        assertThat(e.getMessage()).contains("AMYTERM_BACKUP_TOKEN_FILE", file.toString());
                    });
        }
    }

    @Test
    void noTokenConfiguredMeansNone() {
        assertThat(ApiToken.from(Map.of())).isEmpty();
    }
}
