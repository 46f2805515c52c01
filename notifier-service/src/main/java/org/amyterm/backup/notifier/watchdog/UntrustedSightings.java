package org.amyterm.backup.notifier.watchdog;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.amyterm.backup.contracts.BackupSummary;

/**
 * When each file that did not prove itself was first seen. A folder is written file by file (a
 * manifest, then its signature; evidence, then its signature), so a listing between two writes
 * sees a file the next write proves: only a file still unproved a settle period after its first
 * sighting is worth a critical alert. Held in memory: a replica that takes over confirms each
 * sighting again, one settle period later.
 */
final class UntrustedSightings {
    private final Duration settle;
    /** database → (backup id, file and why) → first seen. */
    private final Map<String, Map<Sighting, Instant>> firstSeen = new ConcurrentHashMap<>();

    private record Sighting(String backupId, String why) {
    }

    UntrustedSightings(Duration settle) {
        this.settle = settle;
    }

    /**
     * Records what {@code backups} (one listing of {@code database}) hold unproved at {@code now},
     * forgets what proved itself since, and answers what has stayed unproved for the settle period:
     * backup id → why each of its files is not trusted, newest backup first.
     */
    Map<String, List<String>> settled(String database, List<BackupSummary> backups, Instant now) {
        Set<Sighting> seen = backups.stream()
                .flatMap(b -> b.untrusted().stream().map(why -> new Sighting(b.backupId(), why)))
                .collect(Collectors.toSet());
        if (seen.isEmpty()) {
            firstSeen.remove(database);
            return Map.of();
        }
        Map<Sighting, Instant> sightings = firstSeen.computeIfAbsent(database, d -> new ConcurrentHashMap<>());
        sightings.keySet().retainAll(seen);
        seen.forEach(sighting -> sightings.putIfAbsent(sighting, now));
        return seen.stream().filter(sighting -> !sightings.get(sighting).isAfter(now.minus(settle)))
                .collect(Collectors.groupingBy(Sighting::backupId,
                        () -> new TreeMap<String, List<String>>(Comparator.reverseOrder()),
                        Collectors.mapping(Sighting::why, Collectors.toList())));
    }

    /** How many files of {@code database} were unproved at its last listing. */
    int files(String database) {
        return firstSeen.getOrDefault(database, Map.of()).size();
    }

    /** Whether files of {@code database} were seen unproved at its last listing (so it is listed again soon). */
    boolean suspect(String database) {
        return firstSeen.containsKey(database);
    }
}
