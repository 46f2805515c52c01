package org.amyterm.backup.verifier.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.NodeRole;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.testsupport.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fault of the download or of this host is retried; only what the bytes are is a verdict on the backup. */
class RestoreFailuresTest {
    private static final String ID = BackupId.of(Instant.parse("2026-11-28T01:30:00Z"), "k");
    private static final Manifest MANIFEST = new Manifest(1, ID, "amyterm", BackupReason.SCHEDULED, NodeRole.CENTRAL,
            "15", "pg_dump 15", null, Map.of(), new Manifest.Archive("pg_dump-custom", "zstd", 1, "a"),
            new Manifest.Encryption(Manifest.Encryption.OPENPGP_PUBLIC_KEY, "AES-256", "F", null),
            new Manifest.StoredObject("amyterm/amyterm/2026/11/28/" + ID + "/dump.pgcustom.zst.gpg", 1, "b"),
            Instant.now(), Instant.now(), Instant.now());

    @Test
    void aDownloadThatBreaksOffIsAFaultToRetryEvenWhenALaterStageWrappedIt() throws Exception {
        // Given an object whose connection is reset after 5 bytes
        InputStream reset = new SequenceInputStream(new ByteArrayInputStream(new byte[5]), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new java.net.SocketException("Connection reset");
            }
        });
        IOException seen;
        try (ObjectDownload download = new ObjectDownload(reset)) {
            download.readNBytes(5);
            seen = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, download::read);
        }

        // When the decompressor above wraps it, Then it is still a retryable store fault, not tampering
        StageException failure = StreamingRestore.failure(MANIFEST, Stage.VERIFY, new IOException("zstd: read failed",
                seen), false);
        assertThat(failure.reason()).isEqualTo(FailureReason.STORE_UNAVAILABLE);
        assertThat(failure.isRetryable()).isTrue();
        assertThat(failure.getMessage()).contains("after 5 bytes", "says nothing about the backup")
                .doesNotContain("cannot be trusted");
    }

    @Test
    void whatTheBytesAreIsAVerdict() {
        // a damaged or truncated object read in full: its bytes, not the network, failed
        StageException damaged = StreamingRestore.failure(MANIFEST, Stage.VERIFY, new java.io.EOFException(
                "unexpected end of OpenPGP packet"), false);
        assertThat(damaged.reason()).isEqualTo(FailureReason.DECRYPTION_FAILED);
        assertThat(damaged.isRetryable()).isFalse();
    }

    @Test
    void aMissingPgRestoreIsAFaultOfThisHost(@TempDir Path empty) {
        assertThatThrownBy(() -> StreamingRestore.requirePgRestore(Optional.of(empty), MANIFEST, Stage.VERIFY))
                .isInstanceOfSatisfying(StageException.class, e -> {
                    assertThat(e.reason()).isEqualTo(FailureReason.RESTORE_TOOL_MISSING);
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.getMessage()).contains(empty.toString(), "amyterm.verifier.restore.pg-bin-dir");
                });
        // and the installed one passes
        StreamingRestore.requirePgRestore(Optional.of(TestServers.postgres().binDir()), MANIFEST, Stage.VERIFY);
    }

    @Test
    void aPgRestoreThatStopsReadingIsStoppedWhenTheRestoreTimeoutIsUpInsteadOfBlockingTheFeedForEver() throws Exception {
        // Given a pg_restore that never reads its input (hung, or blocked on a lock) and an archive larger than a pipe holds
        InputStream archive = new ByteArrayInputStream(new byte[8 << 20]);
        try (org.amyterm.backup.pgtools.PgClientProcess hung = org.amyterm.backup.pgtools.PgClientProcess.start(
                java.util.List.of("sleep", "600"), Optional.empty())) {
            // When it is fed with a timeout of 2 s
            StreamingRestore.Fed fed = StreamingRestore.feed(archive, hung, java.time.Duration.ofSeconds(2));

            // Then it was stopped: not all was restored, and the exit says it overran; the archive was read to its end
            assertThat(fed.exit()).isEqualTo(-1);
            assertThat(fed.restoredAll()).isFalse();
            assertThat(archive.read()).isEqualTo(-1);
        }
    }
}
