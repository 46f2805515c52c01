package org.amyterm.backup.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PartBuffersTest {
    private static final int PART = S3Settings.MIN_PART_SIZE;

    @Test
    void memoryNeverExceedsTheBudgetAndAWaitingUploadGetsAReleasedBuffer() throws Exception {
        // Given a budget of two parts, both in use
        PartBuffers buffers = new PartBuffers(2L * PART, Duration.ofSeconds(30));
        byte[] first = buffers.acquire(PART);
        buffers.acquire(PART);

        // When a third is asked for, it waits
        CompletableFuture<byte[]> third = CompletableFuture.supplyAsync(() -> {
            try {
                return buffers.acquire(PART);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(third).isNotDone();
        assertThat(buffers.allocatedBytes()).isEqualTo(2L * PART);

        // Then it gets the first buffer back once that is released, and no new memory is allocated
        buffers.release(first);
        await().atMost(Duration.ofSeconds(10)).until(third::isDone);
        assertThat(third.get()).isSameAs(first);
        assertThat(buffers.allocatedBytes()).isEqualTo(2L * PART);
    }

    @Test
    void aLargerPartReplacesIdleSmallerBuffersWithinTheBudget() throws Exception {
        PartBuffers buffers = new PartBuffers(3L * PART, Duration.ofSeconds(5));
        buffers.release(buffers.acquire(PART));
        buffers.release(buffers.acquire(PART));
        byte[] large = buffers.acquire(2 * PART);
        assertThat(large).hasSize(2 * PART);
        assertThat(buffers.allocatedBytes()).isLessThanOrEqualTo(3L * PART);
    }

    @Test
    void aWaitThatNeverEndsFailsAfterItsTimeout() throws Exception {
        PartBuffers buffers = new PartBuffers(PART, Duration.ofMillis(200));
        buffers.acquire(PART);
        assertThatThrownBy(() -> buffers.acquire(PART)).isInstanceOf(IOException.class)
                .hasMessageContaining("no part buffer became free");
    }
}
