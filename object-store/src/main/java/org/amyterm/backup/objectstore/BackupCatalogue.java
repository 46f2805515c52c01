package org.amyterm.backup.objectstore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.amyterm.backup.contracts.BackupExpired;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.contracts.Verification;

/**
 * What backups exist, read from the bucket alone: any replica can rebuild it at any time. A
 * listing (one request per 1,000 keys) says which files each backup has; a manifest, evidence or
 * failure is read once and then kept while its ETag stays the same, so a later listing costs only
 * the listing. A fresh replica reads what it has not seen, several files at a time.
 */
public final class BackupCatalogue implements AutoCloseable {
    /** Parsed files kept; beyond this the least recently used go (about 1 KiB each). */
    private static final int CACHED_FILES = 30_000;
    private static final int PARALLEL_READS = 8;

    private final ObjectStore store;
    private final ObjectLayout layout;
    private final Map<String, Parsed> cache = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Parsed> eldest) {
            return size() > CACHED_FILES;
        }
    };
    private final ExecutorService readers;

    public BackupCatalogue(ObjectStore store, ObjectLayout layout) {
        this.store = store;
        this.layout = layout;
        AtomicInteger threads = new AtomicInteger();
        this.readers = Executors.newFixedThreadPool(PARALLEL_READS, task -> {
            Thread thread = new Thread(task, "catalogue-reader-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    private record Parsed(String eTag, Object value) {
    }

    /** Databases with at least one backup folder. */
    public List<String> databases() {
        TreeSet<String> names = new TreeSet<>();
        for (String key : store.list(layout.root())) {
            layout.parse(key).ifPresent(location -> names.add(location.database()));
        }
        return List.copyOf(names);
    }

    /**
     * The database's backups, newest first. Its months are listed side by side (a listing returns
     * 1,000 keys a request, one after the other), so years of backups list in a few round trips.
     */
    public List<BackupSummary> list(String database) {
        return summaries(objectsOf(database));
    }

    /** Every object of the database's backups: each year's months listed side by side. */
    List<ObjectStore.StoredObjectInfo> objectsOf(String database) {
        List<CompletableFuture<List<String>>> years = store.childPrefixes(layout.databasePrefix(database)).stream()
                .map(year -> CompletableFuture.supplyAsync(() -> store.childPrefixes(year), readers)).toList();
        List<CompletableFuture<List<ObjectStore.StoredObjectInfo>>> months = new ArrayList<>();
        for (CompletableFuture<List<String>> year : years) {
            for (String month : get(year)) {
                months.add(CompletableFuture.supplyAsync(() -> store.listObjects(month), readers));
            }
        }
        List<ObjectStore.StoredObjectInfo> objects = new ArrayList<>();
        months.forEach(month -> objects.addAll(get(month)));
        return objects;
    }

    /** Finds a backup without knowing its database: lists the keys, reads only that backup's files. */
    public Optional<BackupSummary> find(String backupId) {
        List<ObjectStore.StoredObjectInfo> objects = store.listObjects(layout.root()).stream()
                .filter(o -> layout.parse(o.key()).map(l -> l.backupId().equals(backupId)).orElse(false))
                .toList();
        return summaries(objects).stream().findFirst();
    }

    public Optional<BackupSummary> find(String database, String backupId) {
        return summaries(store.listObjects(layout.backupFolder(database, backupId))).stream().findFirst();
    }

    /** The newest backup whose restore test passed: what "restore to last known good" uses. */
    public Optional<BackupSummary> lastKnownGood(String database) {
        return list(database).stream().filter(b -> b.state() == BackupSummary.State.VERIFIED).findFirst();
    }

    private List<BackupSummary> summaries(List<ObjectStore.StoredObjectInfo> objects) {
        Map<String, Files> byBackup = new LinkedHashMap<>();
        for (ObjectStore.StoredObjectInfo object : objects) {
            layout.parse(object.key()).ifPresent(l -> {
                Files files = byBackup.computeIfAbsent(l.database() + "/" + l.backupId(), k -> new Files(l));
                switch (l.file()) {
                    case ObjectLayout.MANIFEST_FILE -> files.manifest = read(object, Manifest.class);
                    case ObjectLayout.VERIFICATION_FILE -> files.verification = read(object, Verification.class);
                    case ObjectLayout.FAILURE_FILE -> files.failure = read(object, StageFailed.class);
                    case ObjectLayout.EXPIRED_FILE -> files.expired = read(object, BackupExpired.class);
                    default -> { }
                }
            });
        }
        List<BackupSummary> result = new ArrayList<>();
        for (Files files : byBackup.values()) {
            Manifest manifest = get(files.manifest);
            StageFailed failure = get(files.failure);
            BackupExpired expired = get(files.expired);
            if (manifest == null && failure == null && expired == null) {
                continue; // an upload in progress, not yet a backup
            }
            Verification verification = get(files.verification);
            result.add(new BackupSummary(files.location.backupId(), files.location.database(),
                    BackupSummary.stateOf(manifest, verification, expired), manifest, verification, failure, expired));
        }
        result.sort(Comparator.comparing(BackupSummary::backupId).reversed());
        return result;
    }

    /** The file's content (null if it has none), failing as the read failed (an ObjectStoreException, say). */
    private static <T> T get(CompletableFuture<T> file) {
        if (file == null) {
            return null;
        }
        try {
            return file.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** One backup's files, as futures: read from the cache at once, or from the bucket in parallel. */
    private static final class Files {
        final ObjectLayout.Location location;
        CompletableFuture<Manifest> manifest;
        CompletableFuture<Verification> verification;
        CompletableFuture<StageFailed> failure;
        CompletableFuture<BackupExpired> expired;

        Files(ObjectLayout.Location location) {
            this.location = location;
        }
    }

    private <T> CompletableFuture<T> read(ObjectStore.StoredObjectInfo object, Class<T> type) {
        synchronized (cache) {
            Parsed parsed = cache.get(object.key());
            if (parsed != null && object.eTag() != null && object.eTag().equals(parsed.eTag())) {
                return CompletableFuture.completedFuture(type.cast(parsed.value()));
            }
        }
        return CompletableFuture.supplyAsync(() -> {
            T value = store.getText(object.key()).map(json -> EventJson.read(json, type)).orElse(null);
            if (value != null && object.eTag() != null) {
                synchronized (cache) {
                    cache.put(object.key(), new Parsed(object.eTag(), value));
                }
            }
            return value;
        }, readers);
    }

    @Override
    public void close() {
        readers.shutdownNow();
    }
}
