package org.amyterm.backup.storage.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrowingSpoolFileTest {
    @TempDir
    Path spool;

    @Test
    void readsWhatIsAppendedUntilTheFileIsRenamedComplete() throws Exception {
        // Given a partial file with a first chunk, followed by a reader
        Path partial = Files.write(spool.resolve("b.pgcustom.zst.partial"), "first ".getBytes());
        Path complete = spool.resolve("b.pgcustom.zst");
        CompletableFuture<String> read = readAsync(GrowingSpoolFile.open(partial, complete, Duration.ofMinutes(1)));

        // When more is appended and the file is renamed to its complete name
        Files.write(partial, "second".getBytes(), StandardOpenOption.APPEND);
        Files.move(partial, complete);

        // Then the reader ends with everything that was written
        assertThat(read.get()).isEqualTo("first second");
    }

    @Test
    void aDeletedPartialFileIsAnAbandonedDump() throws Exception {
        Path partial = Files.write(spool.resolve("c.pgcustom.zst.partial"), "half".getBytes());
        CompletableFuture<String> read = readAsync(
                GrowingSpoolFile.open(partial, spool.resolve("c.pgcustom.zst"), Duration.ofMinutes(1)));

        Files.delete(partial);

        assertThatThrownBy(read::get).hasCauseInstanceOf(IllegalStateException.class)
                .hasRootCauseInstanceOf(GrowingSpoolFile.DumpAbandonedException.class)
                .hasMessageContaining("was deleted");
    }

    @Test
    void aPartialFileReplacedByANewAttemptIsAnAbandonedDump() throws Exception {
        Path partial = Files.write(spool.resolve("f.pgcustom.zst.partial"), "attempt 1".getBytes());
        CompletableFuture<String> read = readAsync(
                GrowingSpoolFile.open(partial, spool.resolve("f.pgcustom.zst"), Duration.ofMinutes(1)));

        // the backup service retries: the first attempt's file is deleted, a new one of the same name written
        Path next = Files.write(spool.resolve("f.next"), "attempt 2".getBytes());
        Files.move(next, partial, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(read::get).hasRootCauseInstanceOf(GrowingSpoolFile.DumpAbandonedException.class)
                .hasMessageContaining("replaced by a new attempt");
    }

    @Test
    void aFileThatStopsGrowingIsGivenUpAfterTheIdleTimeout() throws Exception {
        Path partial = Files.write(spool.resolve("d.pgcustom.zst.partial"), "stuck".getBytes());
        assertThatThrownBy(() -> readAll(partial, spool.resolve("d.pgcustom.zst"), Duration.ofMillis(300)))
                .hasRootCauseInstanceOf(GrowingSpoolFile.DumpAbandonedException.class)
                .hasMessageContaining("did not grow");
    }

    @Test
    void aDumpAlreadyCompleteIsReadFromItsCompleteName() throws Exception {
        Path complete = Files.write(spool.resolve("e.pgcustom.zst"), "done".getBytes());
        assertThat(readAll(spool.resolve("e.pgcustom.zst.partial"), complete, Duration.ofMinutes(1))).isEqualTo("done");
    }

    /** Reads in the background a file opened now, as the follower does once BackupStarted arrives. */
    private static CompletableFuture<String> readAsync(GrowingSpoolFile opened) {
        return CompletableFuture.supplyAsync(() -> read(opened));
    }

    private static String readAll(Path partial, Path complete, Duration idle) {
        try {
            return read(GrowingSpoolFile.open(partial, complete, idle));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(GrowingSpoolFile opened) {
        try (GrowingSpoolFile in = opened) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
