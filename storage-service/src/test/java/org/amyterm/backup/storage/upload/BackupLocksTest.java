package org.amyterm.backup.storage.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackupLocksTest {

    @Test
    void neverTwoStoresOfOneBackupAtOnceAndNoLockOutlivesItsUsers() throws Exception {
        // Given many threads storing the same few backups at once
        BackupLocks locks = new BackupLocks();
        AtomicInteger[] inside = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
        AtomicInteger overlaps = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> runs = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            int backup = i % 3;
            runs.add(pool.submit(() -> locks.withLock("backup-" + backup, () -> {
                if (inside[backup].incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                Thread.onSpinWait();
                inside[backup].decrementAndGet();
                return null;
            })));
        }
        for (Future<?> run : runs) {
            run.get(1, TimeUnit.MINUTES);
        }
        pool.shutdown();

        // Then no two ran inside one backup's lock together, and every lock is gone
        assertThat(overlaps).hasValue(0);
        assertThat(locks.inUse()).isZero();
    }
}
