package org.amyterm.backup.console.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.amyterm.backup.objectstore.BackupCatalogue;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Every database the bucket holds backups of or the backup service is configured for, with its
 * state, worst first. The catalogue is read from the bucket, each file proving itself against the
 * trusted keys; the configured databases and the open alerts come from their services, asked with
 * the person's own token. A service that cannot be asked leaves a problem on the page, not an error.
 */
@ApplicationScoped
public class Fleet {
    private static final Logger LOG = Logger.getLogger(Fleet.class);

    private final BackupCatalogue catalogue;
    private final ServiceApis.Backups backups;
    private final ServiceApis.Alerts alerts;
    private final java.time.Duration maxAge;
    private final java.util.concurrent.atomic.AtomicReference<Snapshot> snapshot = new java.util.concurrent.atomic.AtomicReference<>();

    public Fleet(BackupCatalogue catalogue, @RestClient ServiceApis.Backups backups, @RestClient ServiceApis.Alerts alerts,
            org.amyterm.backup.console.access.ConsoleConfig config) {
        this.catalogue = catalogue;
        this.backups = backups;
        this.alerts = alerts;
        this.maxAge = config.catalogue().maxAge();
    }

    /** Every database's backups as the bucket held them at {@code at}. */
    private record Snapshot(Instant at, java.util.Map<String, List<org.amyterm.backup.contracts.BackupSummary>> backups) {
    }

    /** The bucket's picture, listed again when older than {@code amyterm.console.catalogue.max-age}. */
    private Snapshot snapshot() {
        Snapshot known = snapshot.get();
        Instant now = Instant.now();
        if (known != null && !known.at().isBefore(now.minus(maxAge))) {
            return known;
        }
        java.util.Map<String, List<org.amyterm.backup.contracts.BackupSummary>> all = new java.util.TreeMap<>();
        for (String database : catalogue.databases()) {
            all.put(database, catalogue.list(database));
        }
        Snapshot fresh = new Snapshot(now, all);
        snapshot.set(fresh);
        return fresh;
    }

    /** What the overview shows, and what could not be found out (each a sentence for people). */
    public record View(List<DatabaseState> databases, List<String> problems, Instant at) {
        public long count(DatabaseState.Verdict verdict) {
            return databases.stream().filter(d -> d.verdict() == verdict).count();
        }

        public long recoverable() {
            return databases.stream().filter(d -> d.lastKnownGood() != null).count();
        }
    }

    public View view(String bearer) {
        List<String> problems = new ArrayList<>();
        Instant now = Instant.now();
        Set<String> configured = new TreeSet<>();
        try {
            configured.addAll(backups.databases(bearer));
        } catch (RuntimeException e) {
            LOG.warnf("the backup service could not say which databases it backs up: %s", e.getMessage());
            problems.add("The backup service could not be asked which databases it backs up (" + brief(e)
                    + "): only databases with backups in the bucket are listed.");
        }
        List<JsonNode> open = openAlerts(bearer, problems);
        Snapshot bucket = snapshot();
        Set<String> names = new TreeSet<>(bucket.backups().keySet());
        names.addAll(configured);
        List<DatabaseState> states = names.stream()
                .map(name -> DatabaseState.of(name, configured.contains(name), bucket.backups().getOrDefault(name, List.of()),
                        alertsOf(open, name), now))
                .sorted(Comparator.comparing(DatabaseState::verdict).thenComparing(DatabaseState::database))
                .toList();
        return new View(states, problems, bucket.at());
    }

    /** One database as the overview sees it (its row), with every backup the catalogue lists. */
    public DatabaseState database(String bearer, String database, List<String> problems) {
        List<JsonNode> open = openAlerts(bearer, problems);
        return DatabaseState.of(database, false, catalogue.list(database), alertsOf(open, database), Instant.now());
    }

    public List<JsonNode> openAlerts(String bearer, List<String> problems) {
        try {
            return alerts.open(bearer);
        } catch (RuntimeException e) {
            LOG.warnf("the notifier could not list the open alerts: %s", e.getMessage());
            problems.add("The notifier could not be asked for the open alerts (" + brief(e) + "): none are shown.");
            return List.of();
        }
    }

    private static List<JsonNode> alertsOf(List<JsonNode> open, String database) {
        return open.stream().filter(a -> database.equals(a.path("database").asText(null))).toList();
    }

    static String brief(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.length() > 200 ? message.substring(0, 200) + "…" : message;
    }
}
