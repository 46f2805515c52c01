package org.amyterm.backup.dumper.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.testsupport.FreePort;
import org.amyterm.backup.testsupport.PostgresServer;
import org.amyterm.backup.testsupport.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way a dump fails, on a real PostgreSQL: the reason, whether to retry, and an empty spool. */
class DumpFailuresTest {
    private final PostgresServer postgres = TestServers.postgres();
    @TempDir
    Path spool;
    @TempDir
    Path nowhere;

    @Test
    void aWorkingConfigurationDumps() {
        // the positive case of the tests below: the same setup with nothing wrong
        assertThat(dumper(Map.of()).dump(request("postgres"), started -> { }).archiveBytes()).isPositive();
    }

    @Test
    void aWrongPasswordIsPermanent() {
        assertFails(Map.of("amyterm.backup.source.password", "wrong"), FailureReason.SOURCE_AUTH_FAILED, false);
    }

    @Test
    void aRoleThatRowLevelSecurityWouldHideRowsFromIsRefusedNotCountedShort() {
        // Given a table with a row-level security policy, and a backup role that may read all data but not bypass it
        postgres.createDatabaseOnce("rls_src", "CREATE TABLE secrets (a int); INSERT INTO secrets VALUES (1); "
                + "ALTER TABLE secrets ENABLE ROW LEVEL SECURITY; CREATE POLICY nobody ON secrets USING (false)");
        String password = "rls-" + UUID.randomUUID();
        postgres.psql("postgres", "DROP ROLE IF EXISTS rls_reader; CREATE ROLE rls_reader LOGIN IN ROLE pg_read_all_data "
                + "PASSWORD '" + password + "'");

        // Then its dump fails for good, saying what the role needs, and nothing is left on the spool
        StageException failure = assertFails(Map.of("amyterm.backup.source.user", "rls_reader",
                "amyterm.backup.source.password", password, "amyterm.backup.source.databases", "rls_src"),
                FailureReason.SOURCE_AUTH_FAILED, false, "rls_src");
        assertThat(failure.getMessage()).contains("BYPASSRLS", "row-level security").doesNotContain(password);
    }

    @Test
    void aTableLockedLongerThanTheLockWaitFailsRetryablyNamingTheLock() throws Exception {
        // Given a table someone holds an exclusive lock on
        postgres.createDatabaseOnce("locked_src", "CREATE TABLE busy (id int); INSERT INTO busy VALUES (1)");
        java.util.Properties login = new java.util.Properties();
        login.setProperty("user", PostgresServer.SUPERUSER);
        login.setProperty("password", postgres.password());
        try (java.sql.Connection holder = new org.postgresql.Driver().connect(postgres.jdbcUrl("locked_src"), login);
                java.sql.Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            st.execute("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE");

            // When it is dumped with a one-second lock wait, Then the dump fails soon, to be retried, saying why
            StageException failure = assertFails(Map.of("amyterm.backup.source.databases", "locked_src",
                    "amyterm.backup.dump.lock-wait-timeout", "1s"), FailureReason.DUMP_FAILED, true, "locked_src");
            assertThat(failure.getMessage()).containsIgnoringCase("lock");
            holder.rollback();
        }
    }

    @Test
    void anUnreachableServerIsRetryable() {
        assertFails(Map.of("amyterm.backup.source.port", Integer.toString(FreePort.next())),
                FailureReason.SOURCE_UNREACHABLE, true);
    }

    @Test
    void noPgDumpForTheServersMajorVersionIsRetryableAndSaysWhatToInstall() {
        StageException failure = assertFails(Map.of("amyterm.backup.dump.pg-bin-dir", nowhere.toString(),
                "amyterm.backup.dump.pg-bin-from-path", "false",
                "amyterm.backup.dump.pg-bin-dir-pattern", nowhere + "/{major}/bin"), FailureReason.PG_DUMP_MISSING, true);
        assertThat(failure.getMessage()).contains("found: none", "amyterm.backup.dump.pg-bin-dirs.");
    }

    @Test
    void aDumpTheSpoolCannotHoldIsNotStarted() {
        StageException failure = assertFails(Map.of("amyterm.backup.spool.max-bytes", "1000"), FailureReason.SPOOL_FULL,
                true);
        assertThat(failure.getMessage()).contains("estimated", "was not started");
    }

    @Test
    void aSpoolThatFillsDuringTheDumpStopsPgDumpAtOnce() {
        // Given a database whose dump is far larger than the room the spool has, the estimate let through
        postgres.createDatabaseOnce(LARGE, "CREATE TABLE filler AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS "
                + "noise FROM generate_series(1, 200000) g");
        Map<String, String> change = Map.of("amyterm.backup.source.databases", LARGE,
                "amyterm.backup.spool.max-bytes", "100000", "amyterm.backup.spool.estimate-fraction", "0",
                "amyterm.backup.dump.timeout", "10m");

        // When it is dumped, Then it fails as a full spool well before pg_dump's own timeout (pg_dump
        // blocked on a full pipe would otherwise wait for it), and leaves nothing on the spool
        StageException failure = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofMinutes(2),
                () -> assertFails(change, FailureReason.SPOOL_FULL, true, LARGE), "pg_dump was left blocked");
        assertThat(failure.getMessage()).contains("no room for more than", "pg_dump was stopped");
    }

    private static final String LARGE = "spool_filler";

    private StageException assertFails(Map<String, String> change, FailureReason reason, boolean retryable) {
        return assertFails(change, reason, retryable, "postgres");
    }

    private StageException assertFails(Map<String, String> change, FailureReason reason, boolean retryable,
            String database) {
        DumpRunner dumper = dumper(change);
        StageException[] thrown = new StageException[1];
        assertThatThrownBy(() -> dumper.dump(request(database), started -> { })).isInstanceOfSatisfying(StageException.class, e -> {
            assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
            assertThat(e.isRetryable()).isEqualTo(retryable);
            assertThat(e.getMessage()).doesNotContain(postgres.password());
            thrown[0] = e;
        });
        assertThat(spoolFiles()).as("nothing left on the spool").isEmpty();
        return thrown[0];
    }

    private DumpRunner dumper(Map<String, String> change) {
        return TestDumpers.dumper(postgres, spool, "postgres", change);
    }

    private static BackupRequested request(String database) {
        return BackupRequested.of(database, BackupReason.MANUAL, "test", UUID.randomUUID().toString(), Instant.now());
    }

    private java.util.List<Path> spoolFiles() {
        try (Stream<Path> files = Files.list(spool)) {
            return files.toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
