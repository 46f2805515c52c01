package org.amyterm.backup.dumper.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.SpoolFileNames;
import org.amyterm.backup.dumper.config.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a crash leaves on the spool is removed at start-up; what is still useful is not. */
class SpoolOrphansTest {
    @TempDir
    Path spool;

    @Test
    void anOldPartialDumpIsRemovedAndAFreshOneAndCompleteDumpsAreKept() throws Exception {
        // Given a partial dump last written an hour ago, one being written now (another replica's),
        // a complete dump waiting for the storage service, and a file that is no dump
        Instant now = Instant.now();
        String crashed = BackupId.of(now.minus(Duration.ofHours(1)), "crashed");
        Path orphan = Files.writeString(spool.resolve(SpoolFileNames.partial(crashed)), "half a dump");
        Files.setLastModifiedTime(orphan, FileTime.from(now.minus(Duration.ofHours(1))));
        Path writing = Files.writeString(spool.resolve(SpoolFileNames.partial(BackupId.of(now, "writing"))), "…");
        Path complete = Files.writeString(spool.resolve(SpoolFileNames.complete(crashed)), "a whole dump");
        Path other = Files.writeString(spool.resolve("notes.txt.partial"), "not ours");
        SpoolOrphans orphans = new SpoolOrphans(Configs.backupConfig(Map.of("amyterm.backup.spool.dir", spool.toString())),
                null);

        // When the service starts
        // Then only the old partial dump is removed, and reported by its backup id
        assertThat(orphans.removeOrphans(now)).containsExactly(crashed);
        assertThat(orphan).doesNotExist();
        assertThat(writing).exists();
        assertThat(complete).exists();
        assertThat(other).exists();
    }
}
