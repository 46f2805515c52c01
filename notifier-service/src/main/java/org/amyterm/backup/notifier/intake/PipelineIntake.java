package org.amyterm.backup.notifier.intake;

import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.amyterm.backup.contracts.AlertChanged;
import org.amyterm.backup.contracts.BackupExpired;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.RestoreCompleted;
import org.amyterm.backup.contracts.RestoreVerified;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageFailed;
import org.amyterm.backup.notifier.lifecycle.AlertBook;
import org.amyterm.backup.notifier.lifecycle.Conditions;
import org.amyterm.backup.notifier.lifecycle.Occurrence;
import org.amyterm.backup.notifier.watchdog.Freshness;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The pipeline's events in: a failure raises its stage's alert; a success resolves the alerts it
 * ends (a stored backup ends dump and store failures, a passing restore test the verify failures of
 * its own or older backups, never a newer one's, an
 * operator restore restore failures, an expiry retention failures) and tells the watchdog. An event
 * that cannot be read fails here and goes to the topic's dead-letter topic, which is an alert too.
 */
@ApplicationScoped
public class PipelineIntake {
    private static final Logger LOG = Logger.getLogger(PipelineIntake.class);
    private final AlertBook book;
    private final EventOccurrences occurrences;
    private final Freshness freshness;
    private final AlertPath path;

    public PipelineIntake(AlertBook book, EventOccurrences occurrences, Freshness freshness, AlertPath path) {
        this.book = book;
        this.occurrences = occurrences;
        this.freshness = freshness;
        this.path = path;
    }

    @Incoming("backup-failed")
    @Blocking
    public void onFailure(String payload) {
        StageFailed failed = EventJson.read(payload, StageFailed.class);
        path.run("a failure of " + failed.database(), () -> book.raise(occurrences.of(failed)));
    }

    @Incoming("backup-verified")
    @Blocking
    public void onVerified(String payload) {
        RestoreVerified verified = EventJson.read(payload, RestoreVerified.class);
        freshness.verified(verified);
        // a failed restore test also raises a StageFailed, which is the alert: one alert per failure
        if (verified.passed()) {
            Occurrence success = occurrences.of(verified);
            path.run("a passing restore test of " + verified.database(), () -> {
                String condition = Conditions.failed(Stage.VERIFY);
                Optional<String> failing = book.openAlert(condition, verified.database()).map(AlertChanged::backupId)
                        .filter(failed -> olderThan(verified.backupId(), failed));
                if (failing.isPresent()) {
                    // an older backup passing again (the weekly re-test of the last known good) says nothing of
                    // the newer one that failed: its alert stays open until a newer backup passes
                    LOG.infof("backup %s of %s passed its restore test again; the failure of the newer backup %s "
                            + "stays open", verified.backupId(), verified.database(), failing.get());
                } else {
                    book.resolve(condition, verified.database(), success);
                }
                book.notice(success);
            });
        }
    }

    /** Whether backup {@code a} was requested before backup {@code b} (ids sort by request time). */
    private static boolean olderThan(String a, String b) {
        return BackupId.isValid(a) && BackupId.isValid(b) && a.compareTo(b) < 0;
    }

    @Incoming("backup-stored")
    @Blocking
    public void onStored(String payload) {
        BackupStored stored = EventJson.read(payload, BackupStored.class);
        freshness.stored(stored);
        Occurrence success = occurrences.of(stored);
        path.run("a stored backup of " + stored.database(), () -> {
            book.resolve(Conditions.failed(Stage.DUMP), stored.database(), success);
            book.resolve(Conditions.failed(Stage.STORE), stored.database(), success);
        });
    }

    @Incoming("backup-restored")
    @Blocking
    public void onRestored(String payload) {
        RestoreCompleted restored = EventJson.read(payload, RestoreCompleted.class);
        Occurrence success = occurrences.of(restored);
        path.run("a restore of " + restored.database(), () -> {
            book.resolve(Conditions.failed(Stage.RESTORE), restored.database(), success);
            book.notice(success);
        });
    }

    @Incoming("backup-expired")
    @Blocking
    public void onExpired(String payload) {
        BackupExpired expired = EventJson.read(payload, BackupExpired.class);
        Occurrence success = occurrences.of(expired);
        path.run("an expiry of " + expired.database(), () ->
                book.resolve(Conditions.failed(Stage.RETENTION), expired.database(), success));
    }
}
