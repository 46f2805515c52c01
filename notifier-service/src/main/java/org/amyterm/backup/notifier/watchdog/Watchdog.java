package org.amyterm.backup.notifier.watchdog;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.amyterm.backup.contracts.AlertChanged;
import org.amyterm.backup.contracts.AlertChanged.Severity;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.RecoveryObjectives;
import org.amyterm.backup.notifier.active.ActiveReplica;
import org.amyterm.backup.notifier.config.NotifierConfig;
import org.amyterm.backup.notifier.config.NotifierConfig.Watchdog.Watched;
import org.amyterm.backup.notifier.lifecycle.AlertBook;
import org.amyterm.backup.notifier.lifecycle.Conditions;
import org.amyterm.backup.notifier.lifecycle.Occurrence;
import org.amyterm.backup.contracts.BackupSummary;
import org.amyterm.backup.objectstore.BackupCatalogue;
import org.jboss.logging.Logger;

/**
 * Notices silence. For each database configured or with a folder in the bucket: no stored backup within its RPO,
 * no backup taken within its RPO that passed its restore test, no passing restore test within its
 * verification window, or a measured restore slower than its RTO target is an
 * alert, resolved once it is no longer true. It needs no other service alive: it reads the events
 * as they pass and, before it raises an alert and on start, the bucket itself. Dead-letter and
 * refused-input alerts quiet for their quiet period resolve here too.
 */
@ApplicationScoped
public class Watchdog {
    private static final Logger LOG = Logger.getLogger(Watchdog.class);
    static final Duration DEFAULT_VERIFICATION_WINDOW = Duration.ofDays(8);
    static final Duration DEFAULT_RPO = hours(RecoveryObjectives.DEFAULT_RPO);
    static final Duration DEFAULT_RTO = hours(RecoveryObjectives.DEFAULT_RTO);
    /** The bucket is listed again before an alert when the last listing is older than this. */
    private static final Duration BUCKET_STALE = Duration.ofSeconds(30);
    /** The bucket is read at least this often, so files planted there are alerted within it. */
    private static final Duration BUCKET_RECHECK = Duration.ofMinutes(10);

    private final NotifierConfig config;
    private final Freshness freshness;
    private final BackupCatalogue catalogue;
    private final AlertBook book;
    private final MeterRegistry registry;
    private final ActiveReplica replica;
    private final Clock clock;
    private final Instant watchingSince;
    private final Set<String> gauged = ConcurrentHashMap.newKeySet();
    /** Databases no longer backed up: their objective gauges read NaN, so Prometheus's rules judge them no more. */
    private final Set<String> retired = ConcurrentHashMap.newKeySet();
    private final DeclaredSchedules schedules;
    private final UntrustedSightings sightings;

    public Watchdog(NotifierConfig config, Freshness freshness, BackupCatalogue catalogue, AlertBook book,
            MeterRegistry registry, ActiveReplica replica, DeclaredSchedules schedules) {
        this.config = config;
        this.schedules = schedules;
        this.replica = replica;
        this.freshness = freshness;
        this.catalogue = catalogue;
        this.book = book;
        this.registry = registry;
        this.clock = Clock.systemUTC();
        this.watchingSince = clock.instant();
        this.sightings = new UntrustedSightings(config.watchdog().untrustedSettle());
        config.watchdog().databases().keySet().forEach(ObjectLayout::requireDatabaseName);
    }

    /** A default objective as configuration writes it ({@code 26h}), as a Duration. */
    private static Duration hours(String objective) {
        return Duration.parse("PT" + objective.toUpperCase(java.util.Locale.ROOT));
    }

    /** What a database is judged by: its configuration, else what its newest manifest records, else the defaults. */
    record Limits(Duration rpo, Duration verificationWindow, Duration rto) {
    }

    Limits limits(String database) {
        Optional<Watched> watched = Optional.ofNullable(config.watchdog().databases().get(database));
        Freshness.Known known = freshness.of(database);
        Duration rpo = watched.flatMap(Watched::rpo).orElseGet(() -> known.recordedRpo != null ? known.recordedRpo
                : DEFAULT_RPO);
        Duration window = watched.map(Watched::verificationWindow).orElse(DEFAULT_VERIFICATION_WINDOW);
        Duration rto = watched.flatMap(Watched::rto).orElseGet(() -> known.rtoTarget != null ? known.rtoTarget : DEFAULT_RTO);
        return new Limits(rpo, window, rto);
    }

    @Scheduled(every = "${amyterm.notifier.watchdog.every:1m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (!replica.isActive()) {
            return; // the active replica watches; two would open each alert twice
        }
        Set<String> inBucket = bucketDatabases();
        Optional<Set<String>> declared = schedules.declared();
        for (String database : watched(inBucket, declared.orElse(Set.of()))) {
            try {
                if (declared.isPresent() && inBucket.contains(database) && !declared.get().contains(database)) {
                    noLongerBackedUp(database);
                } else {
                    backedUpAgain(database);
                    check(database);
                }
            } catch (RuntimeException e) {
                LOG.warnf("the watchdog could not check %s this time: %s", database, e.getMessage());
            }
        }
        quietAlerts();
    }

    private Set<String> bucketDatabases() {
        try {
            return new TreeSet<>(catalogue.databases());
        } catch (RuntimeException e) {
            LOG.warnf("the watchdog could not list the databases in the bucket (%s); watching those it knows", e.getMessage());
            return Set.of();
        }
    }

    /**
     * The databases configured here, those a backup service declares, and every database with a
     * folder in the bucket: a database the backup service was newly given is watched from its
     * declaration (its RPO counted from then, or from the watchdog's start) without telling the notifier.
     */
    private Set<String> watched(Set<String> inBucket, Set<String> declared) {
        Set<String> databases = new TreeSet<>(config.watchdog().databases().keySet());
        databases.addAll(inBucket);
        databases.addAll(declared);
        databases.addAll(gauged);
        return databases;
    }

    /**
     * A database with backups in the bucket that no backup service declares any more: one alert
     * (an operator who resolves it is not told again), and its objectives are no longer judged, so
     * its RPO alerts end instead of standing for a removal nobody announced.
     */
    private void noLongerBackedUp(String database) {
        retired.add(database);
        String why = database + " is no longer backed up (" + Conditions.NO_LONGER_BACKED_UP + "/" + database + ")";
        for (String condition : List.of(Conditions.RPO_EXCEEDED, Conditions.VERIFIED_RPO_EXCEEDED,
                Conditions.VERIFICATION_OVERDUE)) {
            book.resolve(condition, database, new Occurrence(condition, database, database, Severity.INFO, why,
                    "watchdog", null, null, null, Map.of(), null));
        }
        if (book.isOpen(Conditions.NO_LONGER_BACKED_UP, database)
                || book.last(Conditions.NO_LONGER_BACKED_UP, database).map(a -> a.resolvedBy() != null).orElse(false)) {
            return;
        }
        book.raise(new Occurrence(Conditions.NO_LONGER_BACKED_UP, database, database, Severity.WARNING,
                database + " has backups in the bucket but no backup service is configured for it any more (declared: "
                        + schedules.declaredBy() + "): no new backup of it will be taken. If it was removed on purpose,"
                        + " resolve this alert (its backups stay under retention); if not, add it back to"
                        + " amyterm.backup.databases",
                "watchdog", null, null, null, Map.of(), null));
    }

    private void backedUpAgain(String database) {
        if (retired.remove(database) || book.isOpen(Conditions.NO_LONGER_BACKED_UP, database)) {
            book.resolve(Conditions.NO_LONGER_BACKED_UP, database, new Occurrence(Conditions.NO_LONGER_BACKED_UP,
                    database, database, Severity.INFO, database + " is declared by a backup service again ("
                            + schedules.declaredBy() + ")", "watchdog", null, null, null, Map.of(), null));
        }
    }

    /** The objective gauges of a database, registered the first time it is judged. */
    private void gauges(String database) {
        if (!gauged.add(database)) {
            return;
        }
        Gauge.builder("amyterm.backup.rpo.seconds", database, db -> retired.contains(db) ? Double.NaN
                : limits(db).rpo().toSeconds()).tag("database", database)
                .description("the database's RPO: the longest allowed age of its newest stored backup").register(registry);
        Gauge.builder("amyterm.backup.verification.window.seconds", database, db -> limits(db).verificationWindow()
                .toSeconds()).tag("database", database)
                .description("the longest allowed age of its newest passing restore test").register(registry);
        Gauge.builder("amyterm.backup.rto.target.seconds", database, db -> limits(db).rto().toSeconds())
                .tag("database", database).description("the database's RTO target").register(registry);
        Gauge.builder("amyterm.backup.bucket.untrusted.files", database, sightings::files).tag("database", database)
                .description("files in the database's backup folders that did not prove themselves at the watchdog's"
                        + " last read of the bucket, alerted or still settling").register(registry);
    }

    void check(String database) {
        gauges(database);
        Instant now = clock.instant();
        if (freshness.bucketReadAt(database).map(at -> at.isBefore(now.minus(BUCKET_RECHECK))).orElse(true)
                || sightings.suspect(database)) {
            readBucket(database); // a suspect folder at every check: to confirm it, or to see it proved
        }
        if (overdue(freshness.of(database).storedAt, limits(database).rpo(), now)
                || overdue(freshness.of(database).passedAt, limits(database).rpo(), now)) {
            // the bucket is the source of truth: what the events missed is there
            if (freshness.bucketReadAt(database).map(at -> at.isBefore(now.minus(BUCKET_STALE))).orElse(true)) {
                readBucket(database);
            }
        }
        Freshness.Known known = freshness.of(database);
        Limits limits = limits(database);
        Set<String> failing = failing(known, limits, now, watchingSince);
        judge(database, Conditions.RPO_EXCEEDED, failing.contains(Conditions.RPO_EXCEEDED), Severity.CRITICAL,
                "No backup of " + database + " stored " + since(known.storedAt) + ": older than its RPO of " + limits.rpo()
                        + " (is the backup service running and its schedule set?)",
                "A backup of " + database + " was stored at " + known.storedAt + ", within its RPO of " + limits.rpo());
        // the same objective, judged on what is known to restore: two conditions, two alerts
        judge(database, Conditions.VERIFIED_RPO_EXCEEDED, failing.contains(Conditions.VERIFIED_RPO_EXCEEDED),
                Severity.CRITICAL,
                "The newest backup of " + database + " that passed its restore test was taken " + since(known.passedAt)
                        + ": restoring the last known good now would lose more than its RPO of " + limits.rpo()
                        + " (newer backups are untested or fail their restore test: see verify-failed)",
                "A backup of " + database + " taken at " + known.passedAt + " passed its restore test, within its RPO of "
                        + limits.rpo());
        judge(database, Conditions.VERIFICATION_OVERDUE, failing.contains(Conditions.VERIFICATION_OVERDUE),
                Severity.CRITICAL,
                "No backup of " + database + " taken " + since(known.passedAt) + " has passed its restore test: longer than"
                        + " its verification"
                        + " window of " + limits.verificationWindow() + " (is the verifier running, and do its tests pass?)",
                "A backup of " + database + " taken at " + known.passedAt + " passed its restore test");
        if (known.restoreMillis >= 0) {
            Duration target = limits.rto();
            Duration measured = Duration.ofMillis(known.restoreMillis);
            judge(database, Conditions.RTO_EXCEEDED, failing.contains(Conditions.RTO_EXCEEDED), Severity.WARNING,
                    "The latest restore test of " + database + " took " + measured + ", over its RTO target of " + target
                            + ": a restore in an incident would take as long",
                    "The latest restore test of " + database + " took " + measured + ", within its RTO target of " + target);
        }
    }

    /**
     * A bucket that cannot be read leaves the judgement to what the events said: silence still
     * alerts. What is read is also judged for files that did not prove themselves (docs/security.md).
     */
    private void readBucket(String database) {
        try {
            List<BackupSummary> backups = catalogue.list(database);
            Instant readAt = clock.instant();
            freshness.fromBucket(database, backups, readAt);
            List<String> untrusted = sightings.settled(database, backups, readAt).entrySet().stream()
                    .map(folder -> folder.getKey() + ": " + String.join("; ", folder.getValue())).toList();
            judge(database, Conditions.BUCKET_UNTRUSTED, !untrusted.isEmpty(), Severity.CRITICAL,
                    untrusted.size() + " backup folder(s) of " + database + " hold files that did not prove themselves, "
                            + "so nothing uses them (someone other than the services wrote to the bucket: find out who, "
                            + "then remove them): " + String.join(" | ", untrusted.subList(0, Math.min(3, untrusted.size())))
                            + (untrusted.size() > 3 ? " | …" : ""),
                    "Every file in the backup folders of " + database + " proves itself");
        } catch (RuntimeException e) {
            LOG.warnf("the watchdog could not list the backups of %s in the bucket (%s); judging by the events alone",
                    database, e.getMessage());
        }
    }

    /**
     * The objectives a database misses at {@code now}, by what is known of it: the newest stored
     * backup against the RPO; the newest backup that passed its restore test against the RPO and
     * against the verification window; the latest measured restore against the RTO target. With
     * nothing known, the clock runs from when the watchdog started.
     */
    static Set<String> failing(Freshness.Known known, Limits limits, Instant now, Instant watchingSince) {
        Set<String> failing = new TreeSet<>();
        if (overdue(known.storedAt, limits.rpo(), now, watchingSince)) {
            failing.add(Conditions.RPO_EXCEEDED);
        }
        if (overdue(known.passedAt, limits.rpo(), now, watchingSince)) {
            failing.add(Conditions.VERIFIED_RPO_EXCEEDED);
        }
        if (overdue(known.passedAt, limits.verificationWindow(), now, watchingSince)) {
            failing.add(Conditions.VERIFICATION_OVERDUE);
        }
        if (known.restoreMillis >= 0 && Duration.ofMillis(known.restoreMillis).compareTo(limits.rto()) > 0) {
            failing.add(Conditions.RTO_EXCEEDED);
        }
        return failing;
    }

    private boolean overdue(Instant last, Duration allowed, Instant now) {
        return overdue(last, allowed, now, watchingSince);
    }

    private static boolean overdue(Instant last, Duration allowed, Instant now, Instant watchingSince) {
        Instant since = last != null ? last : watchingSince;
        return Duration.between(since, now).compareTo(allowed) > 0;
    }

    private String since(Instant last) {
        return last == null ? "since the watchdog started at " + watchingSince + " (none in the bucket)" : "since " + last;
    }

    private void judge(String database, String condition, boolean failing, Severity severity, String problem,
            String fine) {
        if (failing) {
            if (book.isOpen(condition, database)) {
                return; // still true: one alert, not one per tick
            }
            book.raise(new Occurrence(condition, database, database, severity, problem, "watchdog", null, null, null,
                    Map.of(), null));
        } else {
            book.resolve(condition, database, new Occurrence(condition, database, database, Severity.INFO, fine,
                    "watchdog", null, null, null, Map.of(), null));
        }
    }

    /** Alerts whose cause is gone once it stops happening: dead letters and refused input, quiet for their period. */
    private void quietAlerts() {
        Instant now = clock.instant();
        for (AlertChanged open : book.open()) {
            String scope = open.alertId().substring(open.condition().length() + 1);
            if (open.condition().equals(Conditions.DEAD_LETTER)
                    && open.changedAt().isBefore(now.minus(config.deadLetters().quietPeriod()))) {
                book.resolve(Conditions.DEAD_LETTER, scope, new Occurrence(Conditions.DEAD_LETTER, scope, null,
                        Severity.INFO, "No new dead letter on " + scope + " for " + config.deadLetters().quietPeriod()
                                + "; the events set aside stay on the topic until someone replays or deletes them",
                        "watchdog", null, null, null, Map.of(), null));
            } else if (open.condition().equals(Conditions.REQUEST_REFUSED)
                    && open.changedAt().isBefore(now.minus(config.refusals().quietPeriod()))) {
                book.resolve(Conditions.REQUEST_REFUSED, scope, new Occurrence(Conditions.REQUEST_REFUSED, scope,
                        open.database(), Severity.INFO, "No request for " + scope + " was refused for "
                                + config.refusals().quietPeriod(), "watchdog", null, null, null, Map.of(), null));
            }
        }
    }
}
