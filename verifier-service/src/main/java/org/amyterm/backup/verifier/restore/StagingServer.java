package org.amyterm.backup.verifier.restore;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.amyterm.backup.verifier.config.VerifierConfig;

/**
 * The PostgreSQL server restore tests run on: creates and drops the throwaway staging databases.
 * Each attempt gets its own database, named with the backup, the time it was made and a random
 * tag, so two replicas testing one backup (a redelivery during a rebalance) never drop each other's.
 * Each attempt claims its database with a PostgreSQL advisory lock held by a session of its own
 * for as long as it runs; a process that dies loses its sessions, so its claims end with it. What a
 * killed attempt leaves is then dropped by any replica's sweep (at start-up and every
 * {@code staging.leftover-sweep}): an unclaimed database older than a grace period, or any older
 * than an attempt can run (one made by a version that did not claim).
 */
@ApplicationScoped
public class StagingServer {
    /** How often a drop is tried when an autovacuum worker is in the way (each plain DROP waits up to 5 s). */
    private static final int DROP_ATTEMPTS = 5;
    private static final Logger LOG = Logger.getLogger(StagingServer.class);
    private static final Pattern MADE_AT = Pattern.compile("_(\\d{10})_[0-9a-f]{4}$");
    /** Beyond the restore timeout, for the checks that follow a restore. */
    private static final Duration CHECKS_MARGIN = Duration.ofHours(1);
    /** An unclaimed database younger than this may be one a replica is about to claim: left alone. */
    private static final Duration UNCLAIMED_GRACE = Duration.ofMinutes(1);
    /** The advisory lock space of staging claims (two-key form: this, then hashtext(name)). */
    static final int CLAIMS = 0x616d7962;
    private final java.util.Map<String, Connection> claims = new java.util.concurrent.ConcurrentHashMap<>();

    private final VerifierConfig.Staging staging;
    private final Duration restoreTimeout;
    private final Duration socketTimeout;
    private final SecureRandom random = new SecureRandom();

    public StagingServer(VerifierConfig config) {
        this.staging = config.staging();
        this.restoreTimeout = config.restore().timeout();
        this.socketTimeout = config.restore().socketTimeout();
        if (staging.databasePrefix().length() > MAX_PREFIX) {
            throw new IllegalArgumentException("amyterm.verifier.staging.database-prefix is longer than " + MAX_PREFIX
                    + " characters: with the backup id, time and tag the name would pass PostgreSQL's 63");
        }
    }

    /** 63 characters, less a backup id (25), its time (11) and tag (5). */
    private static final int MAX_PREFIX = 22;

    /** A new staging database name for an attempt at a backup: prefix, backup id, epoch second, tag; SQL-safe. */
    public String databaseFor(String backupId) {
        return (staging.databasePrefix() + backupId + "_" + Instant.now().getEpochSecond() + "_"
                + String.format("%04x", random.nextInt(0x10000))).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }

    void onStart(@Observes StartupEvent started) {
        sweep();
    }

    @Scheduled(every = "${amyterm.verifier.staging.leftover-sweep}", delayed = "${amyterm.verifier.staging.leftover-sweep}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            dropLeftovers(Instant.now());
        } catch (SQLException e) {
            LOG.warnf("could not look for staging databases left by killed attempts (%s); the next sweep tries again",
                    e.getMessage());
        }
    }

    /**
     * Drops this prefix's staging databases that no running attempt claims (made over a minute ago),
     * and any made longer ago than an attempt can run; returns them.
     */
    public List<String> dropLeftovers(Instant now) throws SQLException {
        Instant before = now.minus(restoreTimeout).minus(CHECKS_MARGIN);
        Instant unclaimedBefore = now.minus(UNCLAIMED_GRACE);
        List<String> dropped = new ArrayList<>();
        try (Connection c = connect("postgres"); PreparedStatement st = c.prepareStatement(
                "SELECT datname FROM pg_database WHERE starts_with(datname, ?)")) {
            st.setString(1, staging.databasePrefix().toLowerCase(Locale.ROOT));
            List<String> names = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            for (String name : names) {
                Matcher made = MADE_AT.matcher(name);
                if (!made.find() || claims.containsKey(name)) {
                    continue;
                }
                Instant madeAt = Instant.ofEpochSecond(Long.parseLong(made.group(1)));
                boolean claimed = madeAt.isBefore(unclaimedBefore) && tryClaim(c, name);
                if (claimed || madeAt.isBefore(before)) {
                    try (Statement drop = c.createStatement()) {
                        drop.execute("DROP DATABASE IF EXISTS " + quote(name) + " WITH (FORCE)");
                    } finally {
                        if (claimed) {
                            release(c, name);
                        }
                    }
                    LOG.warnf("dropped staging database %s, left by a restore test that was killed", name);
                    dropped.add(name);
                }
            }
            dropExpiredApplicationLogins(c);
        }
        return dropped;
    }

    /** The prefix of the read-only logins the application under smoke test gets: the database prefix, then {@code app_}. */
    public static String applicationLoginPrefix(String databasePrefix) {
        return databasePrefix.toLowerCase(Locale.ROOT) + "app_";
    }

    /** Application logins a killed attempt left: expired (VALID UNTIL) already, so they let no one in meanwhile. */
    private void dropExpiredApplicationLogins(Connection c) throws SQLException {
        List<String> expired = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(
                "SELECT rolname FROM pg_roles WHERE starts_with(rolname, ?) AND rolvaliduntil < now()")) {
            st.setString(1, applicationLoginPrefix(staging.databasePrefix()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    expired.add(rs.getString(1));
                }
            }
        }
        for (String role : expired) {
            try (Statement drop = c.createStatement()) {
                drop.execute("DROP ROLE IF EXISTS " + quote(role));
                LOG.warnf("dropped the expired application login %s, left by a restore test that was killed", role);
            } catch (SQLException e) {
                LOG.warnf("the expired application login %s could not be dropped yet (%s)", role, e.getMessage());
            }
        }
    }

    /**
     * Claims, then creates an empty database (a leftover of the same name, which only this attempt
     * can have made, is dropped first). The claim lasts until {@link #drop}.
     */
    public void create(String database) throws SQLException {
        Connection claim = connect("postgres");
        try {
            try (PreparedStatement lock = claim.prepareStatement("SELECT pg_advisory_lock(?, hashtext(?))")) {
                lock.setInt(1, CLAIMS);
                lock.setString(2, database);
                lock.execute();
            }
            claims.put(database, claim);
            try (Statement st = claim.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + quote(database) + " WITH (FORCE)");
                st.execute("CREATE DATABASE " + quote(database) + " TEMPLATE template0");
            }
        } catch (SQLException | RuntimeException e) {
            claims.remove(database);
            claim.close();
            throw e;
        }
    }

    /** Drops the database and ends its claim. */
    public void drop(String database) throws SQLException {
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            for (int attempt = 1; ; attempt++) {
                try {
                    st.execute("DROP DATABASE IF EXISTS " + quote(database) + " WITH (FORCE)");
                    return;
                } catch (SQLException e) {
                    // FORCE may not end an autovacuum worker (it runs as the bootstrap superuser, which this
                    // role may not signal: 42501) that a large restore set off; a plain DROP has the server
                    // end autovacuum itself, and waits up to 5 s for other sessions
                    if (!"42501".equals(e.getSQLState()) || attempt == DROP_ATTEMPTS) {
                        throw e;
                    }
                    try {
                        st.execute("DROP DATABASE IF EXISTS " + quote(database));
                        return;
                    } catch (SQLException plain) {
                        LOG.infof("staging database %s not dropped yet (%s); trying again (%d of %d)", database,
                                plain.getMessage(), attempt, DROP_ATTEMPTS);
                    }
                }
            }
        } finally {
            Connection claim = claims.remove(database);
            if (claim != null) {
                claim.close();
            }
        }
    }

    private static boolean tryClaim(Connection c, String database) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
            lock.setInt(1, CLAIMS);
            lock.setString(2, database);
            try (ResultSet rs = lock.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static void release(Connection c, String database) throws SQLException {
        try (PreparedStatement unlock = c.prepareStatement("SELECT pg_advisory_unlock(?, hashtext(?))")) {
            unlock.setInt(1, CLAIMS);
            unlock.setString(2, database);
            unlock.execute();
        }
    }

    /** The server's databases, templates left out. */
    public List<String> databases() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = connect("postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY 1")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    /**
     * Makes the roles a backup references (owners, row-level security policies) that the staging
     * server lacks, as bare NOLOGIN roles: a policy naming a missing role fails its restore, which
     * says nothing about the backup. Roles are the server's, so they stay for later tests. Needs
     * CREATEROLE; returns the roles made.
     */
    public List<String> ensureRoles(List<String> roles) throws SQLException {
        List<String> made = new ArrayList<>();
        try (Connection c = connect("postgres"); PreparedStatement exists = c.prepareStatement(
                "SELECT 1 FROM pg_roles WHERE rolname = ?"); Statement st = c.createStatement()) {
            for (String role : roles) {
                exists.setString(1, role);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        continue;
                    }
                }
                st.execute("CREATE ROLE " + quote(role) + " NOLOGIN");
                made.add(role);
            }
        }
        return made;
    }

    /** {@link #ensureRoles} for a backup's referenced roles; a failure is a fault of staging, never a verdict. */
    public void prepareRoles(org.amyterm.backup.contracts.Manifest manifest, org.amyterm.backup.contracts.Stage stage) {
        List<String> roles = manifest.dumpDetails() == null ? List.of() : manifest.dumpDetails().roles();
        try {
            List<String> made = ensureRoles(roles);
            if (!made.isEmpty()) {
                LOG.infof("made roles %s on the staging server for backup %s", made, manifest.backupId());
            }
        } catch (SQLException e) {
            throw new org.amyterm.backup.contracts.StageException(manifest.backupId(), manifest.database(), stage,
                    org.amyterm.backup.contracts.FailureReason.STAGING_UNAVAILABLE, "the backup references roles "
                            + roles + " the staging server lacks, and the staging role could not make them ("
                            + e.getMessage() + "): grant it CREATEROLE, or create them there", e);
        }
    }

    /** Whether the staging role is a superuser (restoring then runs an archive's SQL with every right). */
    public boolean roleIsSuperuser() throws SQLException {
        try (Connection c = connect("postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", staging.user());
        staging.password().ifPresent(p -> properties.setProperty("password", p));
        properties.setProperty("ApplicationName", "amyterm-backup-verifier");
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
        return DriverManager.getConnection("jdbc:postgresql://" + staging.host() + ":" + staging.port() + "/" + database,
                properties);
    }

    /** A staging database as pg_restore and the application reach it. */
    public PgTarget target(String database) {
        return new PgTarget(staging.host(), staging.port(), staging.user(), staging.password(), database,
                List.of("--no-privileges"));
    }

    public VerifierConfig.Staging settings() {
        return staging;
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
