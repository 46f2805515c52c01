package org.amyterm.backup.verifier.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.amyterm.backup.testsupport.TestDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every restore-test behaviour of {@link RestoreVerifierTest} again, restoring through a private
 * archive file and {@code pg_restore --jobs 2}; after each, no archive file is left and its folder
 * is private to the service.
 */
@QuarkusTest
@QuarkusTestResource(StagingResource.class)
@TestProfile(FileModeRestoreTest.FileMode.class)
class FileModeRestoreTest extends RestoreVerifierTest {
    static final Path WORK_DIR = TestDirs.server("verifier-work").resolve("restore");

    public static class FileMode implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("amyterm.verifier.restore.mode", "file", "amyterm.verifier.restore.jobs", "2",
                    "amyterm.verifier.restore.work-dir", WORK_DIR.toString());
        }
    }

    @AfterEach
    void noArchiveFileIsLeftAndItsFolderIsPrivate() throws Exception {
        if (Files.exists(WORK_DIR)) {
            assertThat(files(WORK_DIR)).isEmpty();
            assertThat(Files.getPosixFilePermissions(WORK_DIR)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    @Override
    void goodBackupIsRestoredCheckedEvidencedAndItsStagingDatabaseDropped() throws Exception {
        super.goodBackupIsRestoredCheckedEvidencedAndItsStagingDatabaseDropped();
        assertThat(WORK_DIR).as("file mode wrote its archive there").isDirectory();
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList();
        }
    }
}
