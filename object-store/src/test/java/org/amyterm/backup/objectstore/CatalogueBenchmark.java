package org.amyterm.backup.objectstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.NodeRole;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Verification;
import org.amyterm.backup.testsupport.S3ProxyServer;
import org.amyterm.backup.testsupport.TestServers;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Not part of the test suite (its name matches no surefire pattern): {@code bench/catalogue} runs
 * it. Lists a database of {@code -Dbench.backups} (10,000) verified backups on S3Proxy with a fresh
 * catalogue (every file read), then again (settled months from their listing), then with every
 * month listed, and prints the times. It asserts what was listed, never how long it took.
 */
class CatalogueBenchmark {
    /**
     * {@code -Dbench.rich=true}: manifests as a large schema makes them (200 tables with row counts,
     * an inventory of 200 tables, 400 indexes, 300 constraints, 100 functions, 200 samples, and the
     * 256 chunk hashes of a 1 GiB object: about 90 KB each), to measure what the catalogue keeps.
     */
    private static final boolean RICH = Boolean.getBoolean("bench.rich");
    private static final Map<String, Long> RICH_COUNTS = names("public.table_", 200).stream()
            .collect(java.util.stream.Collectors.toMap(n -> n, n -> 123456L));
    private static final List<String> RICH_CHUNKS = java.util.stream.IntStream.range(0, 256)
            .mapToObj(i -> String.format("%064x", i)).toList();
    private static final org.amyterm.backup.contracts.DumpDetails RICH_DETAILS = new org.amyterm.backup.contracts.DumpDetails(
            "default", List.of("--format=custom", "--no-owner", "--lock-wait-timeout=300000"), List.of("plpgsql 1.0"),
            List.of("amyterm_owner"), "amyterm", "daily", "PT26H", "PT4H", new org.amyterm.backup.contracts.Inventory(
                    names("\"public\".\"table_", 200), names("\"public\".\"view_", 20),
                    names("\"public\".\"index_on_a_rather_long_column_name_", 400),
                    names("\"public\".\"table_x\".\"constraint_", 300), Map.of("\"public\".\"seq\"", "12345"),
                    names("\"public\".\"function_(text, integer)", 100), names("\"public\".\"t\".\"trigger_", 50),
                    0, names("public.table_", 200).stream().map(t -> new org.amyterm.backup.contracts.Inventory.Sample(
                            t, List.of("id"), 64, 1234, "c".repeat(64))).toList()), null, null);

    private static List<String> names(String prefix, int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }

    @Test
    void listTenThousandBackups() throws Exception {
        int count = Integer.getInteger("bench.backups", 10_000);
        S3ProxyServer s3 = TestServers.s3();
        S3Client client = S3Client.builder().endpointOverride(URI.create(s3.endpoint())).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .build();
        S3ObjectStore store = new S3ObjectStore(client, new S3Settings(Optional.of(URI.create(s3.endpoint())), "us-east-1",
                "bench-catalogue", true, new UploadSettings(S3Settings.MIN_PART_SIZE, 2, 3L * S3Settings.MIN_PART_SIZE,
                        Duration.ofMinutes(1))));
        store.createBucketIfMissing();
        ObjectLayout layout = new ObjectLayout("bench-" + UUID.randomUUID().toString().substring(0, 8));

        Instant filling = Instant.now();
        fill(store, layout, count);
        System.out.printf("bench: wrote %d backups (manifest and evidence each, signed) in %d ms%n", count,
                Duration.between(filling, Instant.now()).toMillis());

        try (BackupCatalogue fresh = new BackupCatalogue(store, layout, SignedFiles.KEYS.trust(layout), Duration.ofMinutes(1),
                Duration.ofMinutes(15), BackupCatalogue.Limits.DEFAULT)) {
            long cold = time(() -> assertThat(fresh.list("amyterm")).hasSize(count)
                    .allMatch(b -> b.state() == BackupSummary.State.VERIFIED));
            List<Long> warm = median(() -> assertThat(fresh.list("amyterm")).hasSize(count));
            List<Long> everyMonth = median(() -> assertThat(fresh.listNow("amyterm")).hasSize(count));
            List<Long> listing = median(() -> assertThat(fresh.objectsOf("amyterm")).hasSize(4 * count));
            long flat = time(() -> assertThat(store.listObjects(layout.databasePrefix("amyterm"))).hasSize(4 * count));
            System.out.printf("bench: list %d backups: fresh replica %d ms; then %d ms (best of 5), %d ms (median), "
                    + "settled months from their listing%n", count, cold, warm.get(0), warm.get(2));
            System.out.printf("bench: listNow (every month listed): %d ms (best), %d ms (median); of which the bucket "
                    + "listing (months side by side) %d ms (median); one flat listing of the same keys %d ms%n",
                    everyMonth.get(0), everyMonth.get(2), listing.get(2), flat);
            // what the catalogue keeps, with every backup listed: the heap left after a full GC, and the process
            System.gc();
            java.lang.management.MemoryUsage heap = java.lang.management.ManagementFactory.getMemoryMXBean()
                    .getHeapMemoryUsage();
            System.out.printf("bench: memory with %d %s manifests listed: heap used after GC %d MiB (max %d MiB); "
                    + "process %s%n", count, RICH ? "rich" : "plain", heap.getUsed() >> 20, heap.getMax() >> 20,
                    processMemory());
        }
    }

    private static void fill(ObjectStore store, ObjectLayout layout, int count) throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> writes = new ArrayList<>();
            // four a day, the newest today: the current and the previous month are listed on every call
            Instant first = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS)
                    .minus(Duration.ofDays(1).multipliedBy((count - 1) / 4)).plusSeconds(5400);
            for (int i = 0; i < count; i++) {
                Instant at = first.plus(Duration.ofDays(1).multipliedBy(i / 4)).plusSeconds(i % 4);
                String id = BackupId.of(at, "bench-" + i);
                writes.add(writers.submit(() -> {
                    SignedFiles.KEYS.manifest(store, layout.manifestKey("amyterm", id), (new Manifest(1, id, "amyterm",
                            BackupReason.SCHEDULED, NodeRole.CENTRAL, "15.18", "pg_dump (PostgreSQL) 15.18", "2.3.1",
                            RICH ? RICH_COUNTS : Map.of("public.concept", 123456L, "public.value_set", 789L,
                                    "public.atc_code", 6543L),
                            new Manifest.Archive(Manifest.Archive.PG_DUMP_CUSTOM, "zstd", 123456789, "a".repeat(64)),
                            Manifest.Encryption.publicKey(Manifest.Encryption.AES256_SEIPD_MDC, List.of("F".repeat(40))),
                            RICH ? new Manifest.StoredObject(layout.dumpKey("amyterm", id), 1L << 30, "b".repeat(64),
                                    4 << 20, RICH_CHUNKS) : new Manifest.StoredObject(layout.dumpKey("amyterm", id),
                                    12345678, "b".repeat(64)), at, at, at, RICH ? RICH_DETAILS : null)));
                    SignedFiles.KEYS.evidence(store, layout.verificationKey("amyterm", id), (new Verification(1, id,
                            "amyterm", true, "amyterm_verify_x", "pg_restore (PostgreSQL) 15.18", at, at, 61234, 512,
                            List.of(CheckResult.pass("row-counts", "3 tables"), CheckResult.pass("schema-version", "2.3.1")))
                            .naming("b".repeat(64))));
                    return null;
                }));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        } finally {
            writers.shutdown();
        }
    }

    /** VmRSS and VmHWM (peak RSS) of this JVM, from /proc. */
    private static String processMemory() throws java.io.IOException {
        return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmRSS") || l.startsWith("VmHWM")).map(l -> l.replaceAll("\\s+", " "))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** Five timings of the action, sorted: [0] the best, [2] the median. */
    private static List<Long> median(Runnable action) {
        List<Long> times = new ArrayList<>();
        for (int run = 0; run < 5; run++) {
            times.add(time(action));
        }
        times.sort(null);
        return times;
    }

    private static long time(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return (System.nanoTime() - start) / 1_000_000;
    }
}
