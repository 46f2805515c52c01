package org.amyterm.backup.verifier.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.amyterm.backup.contracts.BackupReason;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.NodeRole;
import org.amyterm.backup.testsupport.PostgresServer;
import org.amyterm.backup.testsupport.TestJvm;
import org.amyterm.backup.testsupport.TestServers;
import org.amyterm.backup.verifier.config.VerifierConfig;
import org.amyterm.backup.verifier.restore.PgTarget;
import org.junit.jupiter.api.Test;

/**
 * The application is started and asked beside the database checks, not after them: a restore test
 * with an application takes the longer of the two, not their sum.
 */
class ApplicationSmokeChecksTest {
    private static final PostgresServer postgres = TestServers.postgres();
    private static final String STAGING_ROLE = "app_smoke_staging";
    private static final String DATABASE = "app_smoke_restored";
    /** The sample Amy-Term application, built before this module. */
    private static final Path SAMPLE_APP = Path.of("..", "sample-app", "target", "amyterm-sample-app.jar")
            .toAbsolutePath().normalize();
    private static final Manifest MANIFEST = new Manifest(1, "20261207T170000Z-0a1b2c3d", "amyterm",
            BackupReason.SCHEDULED, NodeRole.CENTRAL, "15", "pg_dump 15", "2.3.1",
            Map.of("public.code_system", 1L, "public.value_set", 1L),
            new Manifest.Archive("pg_dump-custom", "zstd", 1, "a"),
            new Manifest.Encryption(Manifest.Encryption.OPENPGP_PUBLIC_KEY, "AES-256", "F", null),
            new Manifest.StoredObject("amyterm/amyterm/2026/12/07/20261207T170000Z-0a1b2c3d/dump.pgcustom.zst.gpg", 1, "b"),
            Instant.now(), Instant.now(), Instant.now());

    @Test
    void theApplicationIsAskedWhileTheCallerStillChecksTheDatabase() throws Exception {
        // Given a restored database the sample application can serve, owned by a staging role
        PgTarget staging = StagingDatabases.ownedBy(postgres, DATABASE, STAGING_ROLE);
        ApplicationSmokeChecks application = new ApplicationSmokeChecks(sampleApplication(), "app_smoke_test_login_");
        try (Connection restored = StagingDatabases.connect(staging); Connection checking = StagingDatabases.connect(staging)) {
            // When the application's checks start, and the caller is still checking the database
            // Then the application is up and asks for the code systems meanwhile (it waits for the caller's lock)
            try (ApplicationSmokeChecks.Running running = startWhileTheCallerHoldsALock(application, staging, restored,
                    checking)) {
                checking.commit();

                // And once the caller is done, the application's answers are there, all passed
                ApplicationSmokeChecks.Result result = running.await();
                assertThat(result.checks()).extracting(CheckResult::name).containsExactly("app-start", "app-codesystems",
                        "app-valuesets", "app-fhir-metadata", "app-atc-browser");
                assertThat(result.checks()).allSatisfy(check -> assertThat(check.passed()).as(check.toString()).isTrue());
                assertThat(result.firstPassedAt()).isPresent();
            }
            // And its login is gone once it is closed
            assertThat(postgres.psql("postgres", "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'app\\_smoke\\_test\\_login\\_%'"))
                    .isEqualTo("0");
        } finally {
            application.shutdown();
        }
    }

    @Test
    void databaseChecksThatFailStopTheApplicationStillBeingAskedAndDropItsLogin() throws Exception {
        // Given the application's checks under way, its first question waiting for the caller's lock
        PgTarget staging = StagingDatabases.ownedBy(postgres, DATABASE, STAGING_ROLE);
        ApplicationSmokeChecks application = new ApplicationSmokeChecks(sampleApplication(), "app_smoke_test_login_");
        try (Connection restored = StagingDatabases.connect(staging); Connection checking = StagingDatabases.connect(staging)) {
            ApplicationSmokeChecks.Running running = startWhileTheCallerHoldsALock(application, staging, restored, checking);
            assertThat(sampleApplicationRuns()).isTrue();

            // When the caller's own checks fail and it closes the application's checks without their results
            // (on a thread of its own: dropping the login waits for the caller's lock, as it would on staging)
            CompletableFuture<Void> closed = CompletableFuture.runAsync(running::close);

            // Then the application is stopped at once, its question unanswered
            await().atMost(Duration.ofSeconds(30)).until(() -> !sampleApplicationRuns());
            checking.commit();
            closed.get(60, TimeUnit.SECONDS);

            // And its login is gone
            assertThat(postgres.psql("postgres", "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'app\\_smoke\\_test\\_login\\_%'"))
                    .isEqualTo("0");
        } finally {
            application.shutdown();
        }
    }

    /**
     * The caller takes a lock on code_system (as a long check of its own would keep the database busy)
     * and starts the application's checks; returns once the application's first question waits for that lock.
     */
    private static ApplicationSmokeChecks.Running startWhileTheCallerHoldsALock(ApplicationSmokeChecks application,
            PgTarget staging, Connection restored, Connection checking) throws Exception {
        sampleSchema(restored);
        checking.setAutoCommit(false);
        try (Statement st = checking.createStatement()) {
            st.execute("LOCK TABLE code_system IN ACCESS EXCLUSIVE MODE");
        }
        ApplicationSmokeChecks.Running running = application.start(staging, Optional.of(restored), MANIFEST);
        await().atMost(Duration.ofSeconds(60)).until(ApplicationSmokeChecksTest::applicationWaitsForTheLock);
        return running;
    }

    /** Whether a sample application this JVM started is still running. */
    private static boolean sampleApplicationRuns() {
        return ProcessHandle.current().descendants().anyMatch(p -> p.isAlive()
                && p.info().commandLine().orElse("").contains(SAMPLE_APP.getFileName().toString()));
    }

    /** A lock request on code_system that is not granted, by the application's own login (seen as the superuser). */
    private static boolean applicationWaitsForTheLock() {
        return !postgres.psql(DATABASE, "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                + "WHERE NOT l.granted AND l.relation = 'code_system'::regclass "
                + "AND a.usename LIKE 'app\\_smoke\\_test\\_login\\_%'").equals("0");
    }

    private static void sampleSchema(Connection restored) throws SQLException {
        try (Statement st = restored.createStatement()) {
            st.execute("DROP TABLE IF EXISTS concept, code_system, value_set, schema_version, atc_code");
            st.execute("CREATE TABLE code_system (id bigint PRIMARY KEY, url text, name text, version text)");
            st.execute("CREATE TABLE concept (id bigint PRIMARY KEY, code_system_id bigint, code text)");
            st.execute("CREATE TABLE value_set (url text, name text)");
            st.execute("CREATE TABLE schema_version (version text, applied_at timestamptz)");
            st.execute("CREATE TABLE atc_code (code text, name text)");
            st.execute("INSERT INTO code_system VALUES (1, 'http://snomed.info/sct', 'SNOMED CT', '2026')");
            st.execute("INSERT INTO concept VALUES (1, 1, '73211009')");
            st.execute("INSERT INTO value_set VALUES ('http://example.org/vs', 'Example')");
            st.execute("INSERT INTO schema_version VALUES ('2.3.1', now())");
            st.execute("INSERT INTO atc_code VALUES ('A01', 'stomatological preparations group')");
        }
    }

    private static VerifierConfig.Application sampleApplication() {
        return new VerifierConfig.Application() {
            @Override
            public Optional<List<String>> command() {
                return Optional.of(TestJvm.command("-jar", SAMPLE_APP.toString()));
            }

            @Override
            public String healthPath() {
                return "/health";
            }

            @Override
            public Duration startTimeout() {
                return Duration.ofMinutes(1);
            }

            @Override
            public Duration requestTimeout() {
                return Duration.ofSeconds(90);
            }

            @Override
            public String atcSearch() {
                return "group";
            }
        };
    }
}
