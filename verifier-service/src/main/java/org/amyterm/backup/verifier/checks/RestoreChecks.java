package org.amyterm.backup.verifier.checks;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.time.Instant;
import org.amyterm.backup.verifier.restore.PgTarget;
import org.amyterm.backup.verifier.config.VerifierConfig;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.Manifest;

/**
 * The checks of a restored database (procedure section 6), by the check profile its manifest names
 * ({@code dumpDetails.checkProfile}; older manifests get {@code checks.default-profile}):
 * <ul>
 * <li>{@code generic}, for any PostgreSQL database: pg_restore reported no error (its warnings are
 * recorded), every table has the row count recorded at dump time, everything in the dump's
 * inventory is there (tables, views, indexes, constraints, functions, triggers, sequences at or past
 * their values, extensions, large objects), the rows sampled by key at dump time have the same
 * content, and the operator's SQL checks for that database pass;</li>
 * <li>{@code amyterm}: those, plus the schema version the dump saw and the application's smoke
 * checks: with {@code app.command} set, the application is started on the restored database and
 * its endpoints asked ({@link ApplicationSmokeChecks}); without, SQL smoke queries stand in (the
 * code systems load, the value sets load, the ATC browser search finds something…).</li>
 * </ul>
 */
@ApplicationScoped
public class RestoreChecks {
    static final Map<String, String> AMYTERM_SMOKE_CHECKS = new LinkedHashMap<>();

    static {
        AMYTERM_SMOKE_CHECKS.put("codesystems-load", "SELECT 1 FROM code_system JOIN concept ON concept.code_system_id = code_system.id LIMIT 1");
        AMYTERM_SMOKE_CHECKS.put("valuesets-load", "SELECT 1 FROM value_set LIMIT 1");
        AMYTERM_SMOKE_CHECKS.put("atc-browser-search", "SELECT code FROM atc_code WHERE name ILIKE '%group%' ORDER BY code LIMIT 1");
        AMYTERM_SMOKE_CHECKS.put("federation-node-role", "SELECT role FROM federation_node WHERE is_self");
    }

    static final String GENERIC = "generic";
    static final String AMYTERM = "amyterm";

    private final Map<String, String> smokeChecks;
    private final String schemaVersionQuery;
    private final String defaultProfile;
    private final Map<String, VerifierConfig.DatabaseChecks> operatorChecks;
    private final InventoryChecks inventory;
    private final ApplicationSmokeChecks application;
    private final boolean applicationConfigured;

    public RestoreChecks(VerifierConfig config) {
        this.smokeChecks = config.smokeChecks().isEmpty() ? AMYTERM_SMOKE_CHECKS : config.smokeChecks();
        this.schemaVersionQuery = "SELECT version FROM schema_version ORDER BY applied_at DESC, version DESC LIMIT 1";
        this.defaultProfile = config.checks().defaultProfile();
        this.operatorChecks = config.checks().databases();
        this.inventory = new InventoryChecks(config.checks().sampleTimeout());
        this.application = new ApplicationSmokeChecks(config.app(),
                org.amyterm.backup.verifier.restore.StagingServer.applicationLoginPrefix(config.staging().databasePrefix()));
        this.applicationConfigured = config.app().command().filter(c -> !c.isEmpty()).isPresent();
        if (!List.of(GENERIC, AMYTERM).contains(defaultProfile)) {
            throw new IllegalArgumentException("amyterm.verifier.checks.default-profile must be generic or amyterm, was '"
                    + defaultProfile + "'");
        }
    }

    /** The checks' results, and when the application's first smoke check passed (if it ran and one did). */
    public record Outcome(List<CheckResult> results, Optional<Instant> firstSmokeCheckPassedAt) {
    }

    /**
     * Runs the manifest's profile on the restored staging database {@code database} ({@code restored}
     * is a connection to it); {@code pgRestoreWarnings} are the warnings pg_restore printed (already
     * without row data), recorded with the checks. Throws what the staging server did when it could
     * not make the application's login.
     */
    public Outcome run(Connection restored, PgTarget database, Manifest manifest, List<String> pgRestoreWarnings)
            throws SQLException {
        return run(restored, database, manifest, pgRestoreWarnings, true);
    }

    /**
     * The same on an operator's restore target: the application logs in as the target's role (no
     * login of its own is made on a production server).
     */
    public Outcome runOnTarget(Connection restored, PgTarget database, Manifest manifest, List<String> pgRestoreWarnings)
            throws SQLException {
        return run(restored, database, manifest, pgRestoreWarnings, false);
    }

    /**
     * The checks of a selective restore, on a manifest already limited to what it restores: pg_restore's
     * outcome, the chosen tables' row counts, and the inventory of the chosen objects with their sampled
     * rows. The application's smoke checks and the database's own SQL checks need the whole database and
     * are not run. {@code onlySchema} set: the objects were restored into that schema beside a running
     * database's own, so only it is read, and the database's extensions, roles and large objects are not compared.
     */
    public List<CheckResult> runOnSubset(Connection restored, Manifest limited, List<String> pgRestoreWarnings,
            String onlySchema) {
        List<CheckResult> results = new ArrayList<>();
        results.add(CheckResult.pass("check-profile", "subset: " + limited.tableRowCounts().size() + " chosen table(s) "
                + "checked; the application's and the database's own checks need the whole database and were not run"));
        results.add(pgRestoreWarnings.isEmpty() ? CheckResult.pass("pg-restore", "no errors, no warnings")
                : CheckResult.pass("pg-restore", "no errors; " + pgRestoreWarnings.size() + " warning(s): "
                        + String.join(" | ", pgRestoreWarnings)));
        results.add(Timed.check(() -> rowCounts(restored, limited.tableRowCounts())));
        results.addAll(inventory.run(restored, limited.dumpDetails(), onlySchema));
        return results;
    }

    private Outcome run(Connection restored, PgTarget database, Manifest manifest, List<String> pgRestoreWarnings,
            boolean onStaging) throws SQLException {
        String profile = manifest.dumpDetails() != null && manifest.dumpDetails().checkProfile() != null
                ? manifest.dumpDetails().checkProfile() : defaultProfile;
        List<CheckResult> results = new ArrayList<>();
        switch (profile) {
            case GENERIC, AMYTERM -> results.add(CheckResult.pass("check-profile", profile));
            default -> results.add(CheckResult.fail("check-profile", "the backup names check profile '" + profile
                    + "', which this verifier does not know (generic, amyterm)"));
        }
        results.add(pgRestoreWarnings.isEmpty() ? CheckResult.pass("pg-restore", "no errors, no warnings")
                : CheckResult.pass("pg-restore", "no errors; " + pgRestoreWarnings.size() + " warning(s): "
                        + String.join(" | ", pgRestoreWarnings)));
        // what PostgreSQL advises after pg_restore, and what the database serves with: statistics for the
        // planner and a visibility map; without them the application's first queries read every heap page
        // (and autovacuum would do the same work while the checks run). It says nothing about the backup:
        // if it fails, the server did (a fault the caller maps, never a failed check)
        results.add(vacuumAnalyze(restored));
        boolean askApplication = profile.equals(AMYTERM) && applicationConfigured;
        // the application starts next and is asked while the database is checked on this connection
        try (ApplicationSmokeChecks.Running app = askApplication
                ? application.start(database, onStaging ? Optional.of(restored) : Optional.empty(), manifest) : null) {
            results.add(Timed.check(() -> rowCounts(restored, manifest.tableRowCounts())));
            results.addAll(inventory.run(restored, manifest.dumpDetails()));
            Optional<Instant> firstSmokeCheck = Optional.empty();
            if (profile.equals(AMYTERM)) {
                if (manifest.schemaVersion() != null) {
                    results.add(Timed.check(() -> schemaVersion(restored, manifest.schemaVersion())));
                }
                if (!askApplication) {
                    smokeChecks.forEach((name, sql) -> results.add(Timed.check(() -> smoke(restored, name, sql))));
                }
            }
            List<CheckResult> own = new ArrayList<>();
            VerifierConfig.DatabaseChecks operators = operatorChecks.get(manifest.database());
            if (operators != null) {
                operators.sql().forEach((name, check) -> own.add(Timed.check(() -> operator(restored, name, check))));
            }
            if (app != null) {
                ApplicationSmokeChecks.Result asked = app.await();
                results.addAll(asked.checks());
                firstSmokeCheck = asked.firstPassedAt();
            }
            results.addAll(own);
            return new Outcome(results, firstSmokeCheck);
        }
    }

    @PreDestroy
    void stop() {
        application.shutdown();
    }

    /** {@code VACUUM (ANALYZE)} of every table the connection's role may vacuum (it restored the dump's), timed. */
    private static CheckResult vacuumAnalyze(Connection restored) throws SQLException {
        long started = System.nanoTime();
        try (Statement st = restored.createStatement()) {
            st.execute("VACUUM (ANALYZE)");
        }
        return CheckResult.pass("vacuum-analyze", "vacuumed and analyzed, as a restored database is before it serves")
                .took((System.nanoTime() - started) / 1_000_000);
    }

    /** An operator's check: its query returns a row, whose first column equals the expected value if one is set. */
    private static CheckResult operator(Connection restored, String name, VerifierConfig.SqlCheck check) {
        try (Statement st = restored.createStatement(); ResultSet rs = st.executeQuery(check.query())) {
            if (!rs.next()) {
                return CheckResult.fail(name, "returned no row: " + check.query());
            }
            // what a query returns may be row data: the evidence records only the configured value
            String actual = rs.getString(1);
            if (check.expected().isPresent() && !check.expected().get().equals(actual)) {
                return CheckResult.fail(name, "returned another value than the expected " + check.expected().get()
                        + " (not recorded: it may be row data)");
            }
            return CheckResult.pass(name, check.expected().map(v -> "returned " + v).orElse("returned a row"));
        } catch (SQLException e) {
            return CheckResult.fail(name, e.getMessage());
        }
    }

    static CheckResult rowCounts(Connection restored, Map<String, Long> expected) {
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, Long> table : expected.entrySet()) {
            try (Statement st = restored.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM ONLY " + table.getKey())) {
                rs.next();
                long actual = rs.getLong(1);
                if (actual != table.getValue()) {
                    differences.add(table.getKey() + " has " + actual + " rows, dump had " + table.getValue());
                }
            } catch (SQLException e) {
                differences.add(table.getKey() + ": " + e.getMessage());
            }
        }
        return differences.isEmpty()
                ? CheckResult.pass("row-counts", expected.size() + " tables, row counts equal to the dump's")
                : CheckResult.fail("row-counts", String.join("; ", differences));
    }

    private CheckResult schemaVersion(Connection restored, String expected) {
        try (Statement st = restored.createStatement(); ResultSet rs = st.executeQuery(schemaVersionQuery)) {
            String actual = rs.next() ? rs.getString(1) : null;
            return Objects.equals(actual, expected)
                    ? CheckResult.pass("schema-version", "schema version " + actual)
                    : CheckResult.fail("schema-version", "restored schema version " + actual + ", dump had " + expected);
        } catch (SQLException e) {
            return CheckResult.fail("schema-version", e.getMessage());
        }
    }

    private static CheckResult smoke(Connection restored, String name, String sql) {
        try (Statement st = restored.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? CheckResult.pass(name, "returned a row") : CheckResult.fail(name, "returned no row: " + sql);
        } catch (SQLException e) {
            return CheckResult.fail(name, e.getMessage());
        }
    }
}
