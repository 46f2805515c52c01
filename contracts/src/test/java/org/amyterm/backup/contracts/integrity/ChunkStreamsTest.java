package org.amyterm.backup.contracts.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Chunk hashes written on the way up prove each chunk on the way down, before a byte of it is served. */
class ChunkStreamsTest {
    private static final int CHUNK = 1000;

    @Test
    void whatWasWrittenReadsBackWhole() throws IOException {
        // Given 3,500 bytes written through the hashing stage: three whole chunks and a short one
        byte[] data = random(3500);
        List<String> chunks = hash(data);
        assertThat(chunks).hasSize(4);

        // When they are read through the verifying stage, Then every byte comes back
        try (ChunkVerifyingInputStream in = new ChunkVerifyingInputStream(new ByteArrayInputStream(data), CHUNK, chunks)) {
            in.prove();
            assertThat(in.readAllBytes()).isEqualTo(data);
            assertThat(in.verifiedBytes()).isEqualTo(3500);
        }
    }

    @Test
    void anAlteredChunkFailsBeforeAnyOfItsBytesIsServed() throws IOException {
        // Given data whose third chunk was altered after its hashes were recorded
        byte[] data = random(3500);
        List<String> chunks = hash(data);
        byte[] altered = data.clone();
        altered[2500] ^= 1;
        ByteArrayOutputStream served = new ByteArrayOutputStream();

        // When it is read, Then the first two chunks are served and the third fails before its first byte
        try (InputStream in = new ChunkVerifyingInputStream(new ByteArrayInputStream(altered), CHUNK, chunks)) {
            assertThatThrownBy(() -> in.transferTo(served))
                    .isInstanceOf(ChunkVerifyingInputStream.ChunkMismatchException.class)
                    .hasMessageContaining("chunk 3 of 4");
        }
        assertThat(served.toByteArray()).isEqualTo(Arrays.copyOf(data, 2000));
    }

    @Test
    void aReplacedObjectFailsWhenItsFirstChunkIsProven() throws IOException {
        byte[] data = random(3500);
        List<String> chunks = hash(data);
        byte[] replaced = data.clone();
        replaced[0] ^= 1;
        ChunkVerifyingInputStream in = new ChunkVerifyingInputStream(new ByteArrayInputStream(replaced), CHUNK, chunks);
        assertThatThrownBy(in::prove).isInstanceOf(ChunkVerifyingInputStream.ChunkMismatchException.class)
                .hasMessageContaining("chunk 1 of 4");
    }

    @Test
    void aTruncatedOrExtendedObjectFails() throws IOException {
        byte[] data = random(3000);
        List<String> chunks = hash(data);
        InputStream truncated = new ChunkVerifyingInputStream(new ByteArrayInputStream(Arrays.copyOf(data, 2000)), CHUNK, chunks);
        assertThatThrownBy(truncated::readAllBytes).hasMessageContaining("truncated");
        byte[] longer = Arrays.copyOf(data, 3001);
        InputStream appended = new ChunkVerifyingInputStream(new ByteArrayInputStream(longer), CHUNK, chunks);
        assertThatThrownBy(appended::readAllBytes).hasMessageContaining("appended");
    }

    private static List<String> hash(byte[] data) throws IOException {
        ChunkHashingOutputStream out = new ChunkHashingOutputStream(java.io.OutputStream.nullOutputStream(), CHUNK);
        for (int i = 0; i < data.length; i += 700) {
            out.write(data, i, Math.min(700, data.length - i)); // writes that straddle chunk boundaries
        }
        return out.chunkSha256();
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }
}
