package org.amyterm.backup.dumper.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.amyterm.backup.contracts.BackupCompleted;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.testsupport.PostgresServer;
import org.amyterm.backup.testsupport.TestServers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests for a database being dumped, on a real PostgreSQL: one dump, or their own, as they should. */
class DumpJoinTest {
    private final PostgresServer postgres = TestServers.postgres();
    @TempDir
    Path spool;

    @Test
    void aScheduledAndAManualRequestAtTheSameMomentGiveOneDumpAndTwoBackups() throws Exception {
        // Given a scheduled request whose dump is under way (held after pg_dump started)
        DumpRunner dumper = dumper("5m");
        Instant moment = Instant.now();
        BackupRequested scheduled = request(BackupReason.SCHEDULED, moment);
        BackupRequested manual = request(BackupReason.PRE_UPGRADE, moment);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<BackupCompleted> first = CompletableFuture.supplyAsync(() -> dumper.dump(scheduled, started -> {
            running.countDown();
            awaitQuietly(release);
        }));
        assertThat(running.await(60, TimeUnit.SECONDS)).isTrue();

        // When a manual request made at the same moment arrives
        AtomicInteger announced = new AtomicInteger();
        CompletableFuture<BackupCompleted> second = CompletableFuture.supplyAsync(() -> dumper.dump(manual,
                started -> announced.incrementAndGet()));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> dumper.runs().joinersOf("postgres") == 1);
        release.countDown();

        // Then it joins that dump: its own backup (id, reason), the same files under its own names, no second pg_dump
        BackupCompleted dumped = first.get(2, TimeUnit.MINUTES);
        BackupCompleted joined = second.get(2, TimeUnit.MINUTES);
        assertThat(joined.backupId()).isEqualTo(manual.backupId());
        assertThat(joined.reason()).isEqualTo(BackupReason.PRE_UPGRADE);
        assertThat(joined.spoolFile()).isNotEqualTo(dumped.spoolFile());
        assertThat(Files.isSameFile(Path.of(joined.spoolFile()), Path.of(dumped.spoolFile()))).isTrue();
        assertThat(Files.isSameFile(Path.of(joined.globals().spoolFile()), Path.of(dumped.globals().spoolFile()))).isTrue();
        assertThat(joined.archiveSha256()).isEqualTo(dumped.archiveSha256());
        assertThat(announced).as("a BackupStarted of its own: it started no dump").hasValue(0);
    }

    @Test
    void requestsMadeDuringADumpGetOneNextDumpHoldingWhatWasCommittedJustBeforeThem() throws Exception {
        // Given a database with one row, and its dump under way (its snapshot taken, held after pg_dump started)
        String database = "coalesce_probe";
        postgres.createDatabaseOnce(database, "CREATE TABLE probe (note text); INSERT INTO probe VALUES ('before')");
        DumpRunner dumper = TestDumpers.dumper(postgres, spool, database, Map.of());
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<BackupCompleted> first = CompletableFuture.supplyAsync(() -> dumper.dump(
                BackupRequested.of(database, BackupReason.SCHEDULED, "test", UUID.randomUUID().toString(), Instant.now()),
                started -> {
                    running.countDown();
                    awaitQuietly(release);
                }));
        assertThat(running.await(60, TimeUnit.SECONDS)).isTrue();

        // When a row is committed and then two requests are made, one after the other, while that dump runs
        postgres.psql(database, "INSERT INTO probe VALUES ('committed just before the request')");
        BackupRequested preUpgrade = BackupRequested.of(database, BackupReason.PRE_UPGRADE, "test",
                UUID.randomUUID().toString(), Instant.now());
        AtomicInteger announced = new AtomicInteger();
        CompletableFuture<BackupCompleted> second = CompletableFuture.supplyAsync(() -> dumper.dump(preUpgrade,
                started -> announced.incrementAndGet()));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> dumper.runs().queuedFor(database) == 1);
        BackupRequested manual = BackupRequested.of(database, BackupReason.MANUAL, "test", UUID.randomUUID().toString(),
                Instant.now());
        CompletableFuture<BackupCompleted> third = CompletableFuture.supplyAsync(() -> dumper.dump(manual,
                started -> announced.incrementAndGet()));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> dumper.runs().queuedFor(database) == 2);
        assertThat(second).as("the next dump waits for the running one").isNotDone();
        release.countDown();

        // Then the running dump has the one row, and neither request joined it
        BackupCompleted old = first.get(2, TimeUnit.MINUTES);
        assertThat(old.tableRowCounts()).containsEntry("public.probe", 1L);
        // and both are served by one next dump, whose snapshot follows both requests and holds the row
        BackupCompleted pre = second.get(2, TimeUnit.MINUTES);
        BackupCompleted man = third.get(2, TimeUnit.MINUTES);
        assertThat(announced).as("one more pg_dump, not two").hasValue(1);
        assertThat(Files.isSameFile(Path.of(pre.spoolFile()), Path.of(man.spoolFile()))).isTrue();
        assertThat(Files.isSameFile(Path.of(pre.spoolFile()), Path.of(old.spoolFile()))).isFalse();
        assertThat(pre.tableRowCounts()).containsEntry("public.probe", 2L);
        assertThat(restoredRows(Path.of(man.spoolFile()), "probe")).contains("committed just before the request");
        assertThat(pre.dumpDetails().requestedAt()).isEqualTo(preUpgrade.requestedAt());
        assertThat(man.dumpDetails().requestedAt()).isEqualTo(manual.requestedAt());
        assertThat(man.dumpDetails().snapshotAt()).isAfter(manual.requestedAt())
                .isEqualTo(pre.dumpDetails().snapshotAt());
        assertThat(old.dumpDetails().snapshotAt()).isBefore(preUpgrade.requestedAt());
    }

    @Test
    void withCoalescingOffARequestDumpsByItselfOnceTheServerIsFree() throws Exception {
        // Given coalescing turned off, and a dump under way
        DumpRunner dumper = dumper("0s");
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<BackupCompleted> first = CompletableFuture.supplyAsync(() -> dumper.dump(
                request(BackupReason.SCHEDULED, Instant.now()), started -> {
                    running.countDown();
                    awaitQuietly(release);
                }));
        assertThat(running.await(60, TimeUnit.SECONDS)).isTrue();

        // When another request for the database arrives, Then it waits for the server's one slot and dumps anew
        CompletableFuture<BackupCompleted> second = CompletableFuture.supplyAsync(() -> dumper.dump(
                request(BackupReason.MANUAL, Instant.now()), started -> { }));
        assertThat(dumper.runs().joinersOf("postgres")).isZero();
        release.countDown();
        BackupCompleted own = second.get(2, TimeUnit.MINUTES);
        assertThat(Files.isSameFile(Path.of(own.spoolFile()), Path.of(first.get(2, TimeUnit.MINUTES).spoolFile())))
                .isFalse();
    }

    private DumpRunner dumper(String joinWindow) {
        return TestDumpers.dumper(postgres, spool, "postgres", Map.of("amyterm.backup.requests.join-window", joinWindow));
    }

    /** The data rows of {@code table} in the dump's archive, as pg_restore writes them. */
    private String restoredRows(Path spoolFile, String table) throws Exception {
        Process restore = new ProcessBuilder(postgres.binDir().resolve("pg_restore").toString(), "--data-only",
                "--table=" + table, "-f", "-").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (java.io.InputStream in = new com.github.luben.zstd.ZstdInputStream(Files.newInputStream(spoolFile));
                java.io.OutputStream out = restore.getOutputStream()) {
            in.transferTo(out);
        }
        String rows = new String(restore.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(restore.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(restore.exitValue()).isZero();
        return rows;
    }

    private static BackupRequested request(BackupReason reason, Instant at) {
        return BackupRequested.of("postgres", reason, "test", UUID.randomUUID().toString(), at);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
