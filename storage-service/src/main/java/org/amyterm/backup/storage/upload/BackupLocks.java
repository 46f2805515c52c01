package org.amyterm.backup.storage.upload;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One store at a time per backup in this service: dump events are handled concurrently, and a
 * redelivered BackupCompleted must find the first one's manifest rather than race it to the bucket.
 * A backup's lock lives while a thread uses or waits for it; the count of those threads changes
 * only inside the map's atomic {@code compute}, so no two threads ever hold different locks for one
 * backup.
 */
@ApplicationScoped
public class BackupLocks {
    private final ConcurrentHashMap<String, Users> locks = new ConcurrentHashMap<>();

    <T> T withLock(String backupId, Supplier<T> action) {
        Users users = locks.compute(backupId, (id, current) -> current == null ? new Users() : current.joined());
        users.lock.lock();
        try {
            return action.get();
        } finally {
            users.lock.unlock();
            locks.computeIfPresent(backupId, (id, current) -> current.left() ? null : current);
        }
    }

    /** A lock and the number of threads using or waiting for it; changed only under the map's compute. */
    private static final class Users {
        final ReentrantLock lock = new ReentrantLock();
        int count = 1;

        Users joined() {
            count++;
            return this;
        }

        /** Whether the last user left. */
        boolean left() {
            return --count == 0;
        }
    }

    /** Backups with a lock in use, for tests. */
    int inUse() {
        return locks.size();
    }
}
