package org.amyterm.backup.dumper.request;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The backup ids this replica has taken lately, so a redelivered or repeated request (two replicas
 * firing the same schedule) is not dumped twice. Bounded; a restart forgets, and the storage
 * service still stores a backup id only once.
 */
final class RecentBackups {
    private final Map<String, Boolean> seen;

    RecentBackups(int capacity) {
        this.seen = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True the first time a backup id is offered. */
    synchronized boolean firstTime(String backupId) {
        return seen.put(backupId, Boolean.TRUE) == null;
    }
}
