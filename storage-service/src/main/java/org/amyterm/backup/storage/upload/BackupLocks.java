package org.amyterm.backup.storage.upload;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One store at a time per backup in this service: dump events are handled concurrently, and a
 * redelivered BackupCompleted must find the first one's manifest rather than race it to the bucket.
 */
@ApplicationScoped
public class BackupLocks {
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    <T> T withLock(String backupId, Supplier<T> action) {
        ReentrantLock lock = locks.computeIfAbsent(backupId, id -> new ReentrantLock());
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
            locks.computeIfPresent(backupId, (id, l) -> l.hasQueuedThreads() || l.isLocked() ? l : null);
        }
    }
}
