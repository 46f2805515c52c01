package org.amyterm.backup.objectstore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.amyterm.backup.contracts.RestoreCompleted;
import org.amyterm.backup.contracts.BackupExpired;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.contracts.Verification;
import org.jboss.logging.Logger;

/**
 * What backups exist, read from the bucket alone: any replica can rebuild it at any time. Only
 * what proves itself counts ({@link CatalogueTrust}): a manifest, evidence, failure or expiry record that is unsigned,
 * signed by another key, copied from another folder or oversized is listed as untrusted and never
 * makes a backup stored, verified or the last known good. A
 * listing (one request per month folder) says which files each backup has; a manifest, evidence or
 * failure is read once and then kept while its ETag stays the same, so a later listing costs only
 * the listing. A fresh replica reads what it has not seen, several files at a time.
 *
 * <p>Months before last month are <em>settled</em>: their backups change only when retention expires
 * one (which calls {@link #forget}), an operator re-verifies one or someone edits the bucket by
 * hand. {@link #list} answers for them from their last listing and lists them again in the
 * background once that is older than {@code settledRelistAfter}, or before answering once it is
 * older than {@code settledMaxAge}; so years of backups list in a few requests. The current and the
 * previous month are listed on every call. {@link #listNow} lists every month: what decisions use.
 */
public final class BackupCatalogue implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BackupCatalogue.class);
    private static final int PARALLEL_READS = 8;

    private final ObjectStore store;
    private final ObjectLayout layout;
    private final CatalogueTrust trust;
    private final Duration settledRelistAfter;
    private final Duration settledMaxAge;
    private final Limits limits;
    private final Clock clock;
    private final Map<String, Parsed> cache = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Parsed> eldest) {
            return size() > limits.cachedFiles();
        }
    };
    /** Month folder prefix to its backups as last listed; a year folder prefix to its month folders. */
    private final ConcurrentHashMap<String, Listed<List<BackupSummary>>> months = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Listed<List<String>>> years = new ConcurrentHashMap<>();
    private final Set<String> relisting = ConcurrentHashMap.newKeySet();
    /** Reads files and nothing else, so none of them ever waits on another task. */
    private final ExecutorService readers;
    /** Lists folders; a month's listing then waits on the readers for the files it has not seen. */
    private final ExecutorService listers;
    /** One thread for background relisting, which waits on the listers and readers like a caller. */
    private final ExecutorService relister;

    /**
     * What bounds the catalogue's memory, whatever the bucket holds: parsed files kept (the least
     * recently used go beyond it; about 1 KiB each, a manifest's inventory is not kept) and folder
     * listings kept (the oldest go; a database's months over 20 years are 240).
     */
    public record Limits(int cachedFiles, int cachedListings) {
        public static final Limits DEFAULT = new Limits(30_000, 5_000);

        public Limits {
            if (cachedFiles < 1 || cachedListings < 1) {
                throw new IllegalArgumentException("amyterm.store.catalogue.cached-files and cached-listings must be"
                        + " positive (were " + cachedFiles + ", " + cachedListings + ")");
            }
        }
    }

    public BackupCatalogue(ObjectStore store, ObjectLayout layout, CatalogueTrust trust, Duration settledRelistAfter,
            Duration settledMaxAge, Limits limits) {
        this(store, layout, trust, settledRelistAfter, settledMaxAge, limits, Clock.systemUTC());
    }

    BackupCatalogue(ObjectStore store, ObjectLayout layout, CatalogueTrust trust, Duration settledRelistAfter,
            Duration settledMaxAge, Limits limits, Clock clock) {
        if (settledMaxAge.compareTo(settledRelistAfter) < 0) {
            throw new IllegalArgumentException("amyterm.store.catalogue.settled-max-age (" + settledMaxAge
                    + ") must not be shorter than settled-relist-after (" + settledRelistAfter + ")");
        }
        this.store = store;
        this.layout = layout;
        this.trust = trust;
        this.settledRelistAfter = settledRelistAfter;
        this.settledMaxAge = settledMaxAge;
        this.limits = limits;
        this.clock = clock;
        AtomicInteger threads = new AtomicInteger();
        this.readers = Executors.newFixedThreadPool(PARALLEL_READS, task -> daemon(task, "catalogue-reader-"
                + threads.incrementAndGet()));
        this.listers = Executors.newFixedThreadPool(PARALLEL_READS, task -> daemon(task, "catalogue-lister-"
                + threads.incrementAndGet()));
        this.relister = Executors.newSingleThreadExecutor(task -> daemon(task, "catalogue-relister"));
    }

    /** Parsed files held now (test seam: bounded by {@link Limits#cachedFiles()}). */
    int filesHeld() {
        synchronized (cache) {
            return cache.size();
        }
    }

    /** Month and year listings held now, each bounded by {@link Limits#cachedListings()} (test seam). */
    int listingsHeld() {
        return Math.max(months.size(), years.size());
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private record Parsed(String eTag, Object value) {
    }

    /** A folder's content as listed at {@code listedAt}; {@code fingerprint} tells whether a new listing differs. */
    private record Listed<T>(T value, String fingerprint, Instant listedAt) {
    }

    /** Databases with at least one backup folder. */
    public List<String> databases() {
        return store.childPrefixes(layout.root()).stream()
                .map(prefix -> prefix.substring(layout.root().length(), prefix.length() - 1))
                .filter(ObjectLayout::isDatabaseName)
                .toList();
    }

    /** The database's backups, newest first; months before last month as described above. */
    public List<BackupSummary> list(String database) {
        return list(database, false);
    }

    /** The database's backups, newest first, every month listed now: for retention and the last known good. */
    public List<BackupSummary> listNow(String database) {
        return list(database, true);
    }

    /** After a change this catalogue made itself (retention expired the backup): its month is listed again. */
    public void forget(String database, String backupId) {
        String folder = layout.backupFolder(database, backupId);
        String month = folder.substring(0, layout.databasePrefix(database).length() + "yyyy/mm/".length());
        months.computeIfPresent(month, (k, known) -> new Listed<>(known.value(), known.fingerprint(), Instant.EPOCH));
    }

    private List<BackupSummary> list(String database, boolean everyMonth) {
        YearMonth lastMonth = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC)).minusMonths(1);
        List<CompletableFuture<List<String>>> monthFolders = store.childPrefixes(layout.databasePrefix(database)).stream()
                .map(year -> CompletableFuture.supplyAsync(() -> view(years, year,
                        !everyMonth && settled(year, lastMonth, true), known -> {
                            List<String> found = store.childPrefixes(year);
                            return new Listed<>(found, String.join("\n", found), clock.instant());
                        }), listers))
                .toList();
        List<CompletableFuture<List<BackupSummary>>> backups = new ArrayList<>();
        for (CompletableFuture<List<String>> year : monthFolders) {
            for (String month : get(year)) {
                backups.add(CompletableFuture.supplyAsync(() -> view(months, month,
                        !everyMonth && settled(month, lastMonth, false), known -> relistMonth(month, known)), listers));
            }
        }
        List<BackupSummary> result = new ArrayList<>();
        backups.forEach(month -> result.addAll(get(month)));
        result.sort(Comparator.comparing(BackupSummary::backupId).reversed());
        return result;
    }

    /** Whether a year folder ({@code .../2024/}) or month folder ({@code .../2024/03/}) is before last month. */
    private boolean settled(String folder, YearMonth lastMonth, boolean year) {
        String[] parts = folder.split("/");
        try {
            if (year) {
                return Integer.parseInt(parts[parts.length - 1]) < lastMonth.getYear();
            }
            return YearMonth.of(Integer.parseInt(parts[parts.length - 2]), Integer.parseInt(parts[parts.length - 1]))
                    .isBefore(lastMonth);
        } catch (RuntimeException notDigits) {
            return false; // not a folder of the layout: always listed
        }
    }

    /**
     * The folder's content: listed now, or for a settled folder from its last listing (relisted in
     * the background when that is old). A listing replaces the one kept only if nothing replaced it
     * meanwhile, so a relisting that started before {@link #forget} cannot bring the old one back.
     */
    private <T> T view(ConcurrentHashMap<String, Listed<T>> views, String folder, boolean settled,
            UnaryOperator<Listed<T>> relist) {
        Listed<T> known = views.get(folder);
        Instant now = clock.instant();
        if (settled && known != null && !known.listedAt().isBefore(now.minus(settledMaxAge))) {
            if (known.listedAt().isBefore(now.minus(settledRelistAfter)) && relisting.add(folder)) {
                relister.execute(() -> {
                    try {
                        keep(views, folder, known, relist.apply(known));
                    } catch (RuntimeException e) {
                        LOG.warnf("could not list %s again (the next listing tries again): %s", folder, e.getMessage());
                    } finally {
                        relisting.remove(folder);
                    }
                });
            }
            return known.value();
        }
        Listed<T> fresh = relist.apply(known);
        keep(views, folder, known, fresh);
        return fresh.value();
    }

    private <T> void keep(ConcurrentHashMap<String, Listed<T>> views, String folder, Listed<T> known, Listed<T> fresh) {
        boolean kept = known == null ? views.putIfAbsent(folder, fresh) == null : views.replace(folder, known, fresh);
        // a loop, not one removal: listers keep their listings in parallel, and two that pick the same
        // oldest entry remove it once between them
        while (kept && views.size() > limits.cachedListings()) {
            views.entrySet().stream().min(Comparator.comparing(e -> e.getValue().listedAt()))
                    .ifPresent(oldest -> views.remove(oldest.getKey(), oldest.getValue()));
        }
    }

    /** Lists a month folder; its backups are summarised again only if a key or an ETag changed. */
    private Listed<List<BackupSummary>> relistMonth(String month, Listed<List<BackupSummary>> known) {
        Instant listedAt = clock.instant();
        List<ObjectStore.StoredObjectInfo> objects = store.listObjects(month);
        StringBuilder fingerprint = new StringBuilder(objects.size() * 100);
        objects.forEach(o -> fingerprint.append(o.key()).append(' ').append(o.eTag()).append('\n'));
        String print = fingerprint.toString();
        if (known != null && known.fingerprint().equals(print)) {
            return new Listed<>(known.value(), known.fingerprint(), listedAt);
        }
        return new Listed<>(summaries(objects), print, listedAt);
    }

    /** Every object of the database's backups, each month listed now (what {@code bench/catalogue} times). */
    List<ObjectStore.StoredObjectInfo> objectsOf(String database) {
        List<CompletableFuture<List<String>>> years = store.childPrefixes(layout.databasePrefix(database)).stream()
                .map(year -> CompletableFuture.supplyAsync(() -> store.childPrefixes(year), listers)).toList();
        List<CompletableFuture<List<ObjectStore.StoredObjectInfo>>> months = new ArrayList<>();
        for (CompletableFuture<List<String>> year : years) {
            for (String month : get(year)) {
                months.add(CompletableFuture.supplyAsync(() -> store.listObjects(month), listers));
            }
        }
        List<ObjectStore.StoredObjectInfo> objects = new ArrayList<>();
        months.forEach(month -> objects.addAll(get(month)));
        return objects;
    }

    /** Finds a backup without knowing its database: its folder is looked for in each database. */
    public Optional<BackupSummary> find(String backupId) {
        List<CompletableFuture<Optional<BackupSummary>>> found = databases().stream()
                .map(database -> CompletableFuture.supplyAsync(() -> find(database, backupId), listers)).toList();
        return found.stream().map(BackupCatalogue::get).flatMap(Optional::stream).findFirst();
    }

    public Optional<BackupSummary> find(String database, String backupId) {
        return summaries(store.listObjects(layout.backupFolder(database, backupId))).stream().findFirst();
    }

    /** The newest backup whose restore test passed: what "restore to last known good" uses. */
    public Optional<BackupSummary> lastKnownGood(String database) {
        return listNow(database).stream().filter(b -> b.state() == BackupSummary.State.VERIFIED).findFirst();
    }

    private List<BackupSummary> summaries(List<ObjectStore.StoredObjectInfo> objects) {
        Map<String, ObjectStore.StoredObjectInfo> byKey = new java.util.HashMap<>();
        objects.forEach(o -> byKey.put(o.key(), o));
        Map<String, Files> byBackup = new LinkedHashMap<>();
        for (ObjectStore.StoredObjectInfo object : objects) {
            layout.parse(object.key()).ifPresent(l -> {
                Files files = byBackup.computeIfAbsent(l.database() + "/" + l.backupId(), k -> new Files(l));
                ObjectStore.StoredObjectInfo signature = byKey.get(ObjectLayout.signatureKey(object.key()));
                switch (l.file()) {
                    case ObjectLayout.MANIFEST_FILE -> files.manifest = read(object, signature, (text, sig) ->
                            Slim.of(trust.manifest(l, text, sig)));
                    case ObjectLayout.VERIFICATION_FILE -> files.verification = read(object, signature, (text, sig) ->
                            trust.evidence(l, text, sig));
                    case ObjectLayout.FAILURE_FILE -> files.failure = read(object, signature, (text, sig) ->
                            trust.record(l, text, sig, StageFailed.class, StageFailed::backupId));
                    case ObjectLayout.EXPIRED_FILE -> files.expired = read(object, signature, (text, sig) ->
                            trust.record(l, text, sig, BackupExpired.class, BackupExpired::backupId));
                    default -> {
                        if (ObjectLayout.isRestoreRecord(l.file())) {
                            files.restores.put(l.file(), read(object, signature, (text, sig) ->
                                    trust.restoreRecord(l, text, sig)));
                        }
                    }
                }
            });
        }
        List<BackupSummary> result = new ArrayList<>();
        for (Files files : byBackup.values()) {
            List<String> untrusted = new ArrayList<>();
            Slim slim = get(files.manifest, ObjectLayout.MANIFEST_FILE, untrusted);
            Manifest manifest = slim == null ? null : slim.manifest();
            StageFailed failure = get(files.failure, ObjectLayout.FAILURE_FILE, untrusted);
            BackupExpired expired = get(files.expired, ObjectLayout.EXPIRED_FILE, untrusted);
            Verification verification = get(files.verification, ObjectLayout.VERIFICATION_FILE, untrusted);
            if (verification != null) {
                ObjectLayout.Location evidence = new ObjectLayout.Location(files.location.database(),
                        files.location.backupId(), ObjectLayout.VERIFICATION_FILE);
                try {
                    CatalogueTrust.bound(evidence, verification, manifest);
                } catch (CatalogueTrust.Untrusted e) {
                    untrusted.add(ObjectLayout.VERIFICATION_FILE + ": " + e.getMessage());
                    verification = null;
                }
            }
            List<RestoreCompleted> restores = new ArrayList<>();
            files.restores.forEach((name, record) -> {
                RestoreCompleted restore = get(record, name, untrusted);
                if (restore != null) {
                    restores.add(restore);
                }
            });
            restores.sort(Comparator.comparing(RestoreCompleted::completedAt));
            if (manifest == null && failure == null && expired == null && untrusted.isEmpty()) {
                continue; // an upload in progress, not yet a backup
            }
            if (!untrusted.isEmpty()) {
                LOG.debugf("backup %s of %s: not trusted: %s", files.location.backupId(), files.location.database(),
                        untrusted);
            }
            result.add(new BackupSummary(files.location.backupId(), files.location.database(),
                    BackupSummary.stateOf(manifest, verification, expired), manifest, verification, failure, expired,
                    untrusted, slim == null ? null : slim.tables(), restores));
        }
        result.sort(Comparator.comparing(BackupSummary::backupId).reversed());
        return List.copyOf(result);
    }

    /**
     * The manifest as the catalogue keeps it: without the row count of each table (summed up in
     * {@code tables}), the chunk hashes and the dump's inventory (every table, index and sampled row
     * key), which only a restore reads, from the manifest itself. A backup then costs the catalogue
     * about the same whatever its size or schema.
     */
    private record Slim(Manifest manifest, BackupSummary.Tables tables) {
        static Slim of(Manifest m) {
            Manifest.StoredObject object = m.object();
            org.amyterm.backup.contracts.DumpDetails details = m.dumpDetails();
            return new Slim(new Manifest(m.formatVersion(), m.backupId(), m.database(), m.reason(), m.nodeRole(),
                    m.pgServerVersion(), m.pgDumpVersion(), m.schemaVersion(), Map.of(), m.archive(), m.encryption(),
                    new Manifest.StoredObject(object.key(), object.bytes(), object.sha256(), object.chunkBytes(), null),
                    m.dumpStartedAt(), m.dumpFinishedAt(), m.storedAt(), details == null ? null
                            : details.withoutInventory(), m.globals()), BackupSummary.Tables.of(m.tableRowCounts()));
        }
    }

    /**
     * The file's content (null if it has none, or it is not trusted: then why, in {@code untrusted}),
     * failing as the read failed (an ObjectStoreException, say).
     */
    private static <T> T get(CompletableFuture<Read<T>> file, String name, List<String> untrusted) {
        Read<T> read = get(file);
        if (read == null) {
            return null;
        }
        if (read.untrusted() != null) {
            untrusted.add(name + ": " + read.untrusted());
        }
        return read.value();
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
        CompletableFuture<Read<Slim>> manifest;
        CompletableFuture<Read<Verification>> verification;
        CompletableFuture<Read<StageFailed>> failure;
        CompletableFuture<Read<BackupExpired>> expired;
        final Map<String, CompletableFuture<Read<RestoreCompleted>>> restores = new java.util.TreeMap<>();

        Files(ObjectLayout.Location location) {
            this.location = location;
        }
    }

    /** A file as read: its trusted value, or why it is not trusted. */
    private record Read<T>(T value, String untrusted) {
    }

    @FunctionalInterface
    private interface Parser<T> {
        T parse(String text, Optional<String> signature);
    }

    /**
     * Reads {@code object} (and its signature {@code signature}, if listed) once per pair of ETags,
     * and proves it with {@code parser}; a file over its size cap or that does not prove itself is
     * remembered as untrusted, with why.
     */
    private <T> CompletableFuture<Read<T>> read(ObjectStore.StoredObjectInfo object, ObjectStore.StoredObjectInfo signature,
            Parser<T> parser) {
        String eTag = object.eTag() == null ? null : object.eTag() + "/" + (signature == null ? "-" : signature.eTag());
        synchronized (cache) {
            Parsed parsed = cache.get(object.key());
            if (parsed != null && eTag != null && eTag.equals(parsed.eTag())) {
                @SuppressWarnings("unchecked")
                Read<T> known = (Read<T>) parsed.value();
                return CompletableFuture.completedFuture(known);
            }
        }
        return CompletableFuture.supplyAsync(() -> {
            Read<T> value;
            try {
                Optional<String> text = store.getText(object.key());
                if (text.isEmpty()) {
                    return null; // deleted since the listing
                }
                Optional<String> sig = signature == null ? Optional.empty()
                        : store.getText(signature.key(), org.amyterm.backup.openpgp.SignatureCheck.MAX_SIGNATURE_BYTES);
                value = new Read<>(parser.parse(text.get(), sig), null);
            } catch (ObjectTooLargeException | CatalogueTrust.Untrusted e) {
                value = new Read<>(null, e.getMessage());
            } catch (org.amyterm.backup.contracts.MalformedEventException e) {
                value = new Read<>(null, "cannot be read: " + e.getMessage());
            }
            if (eTag != null) {
                synchronized (cache) {
                    cache.put(object.key(), new Parsed(eTag, value));
                }
            }
            return value;
        }, readers);
    }

    @Override
    public void close() {
        relister.shutdownNow();
        listers.shutdownNow();
        readers.shutdownNow();
    }
}
