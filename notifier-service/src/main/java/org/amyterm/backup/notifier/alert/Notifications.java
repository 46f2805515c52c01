package org.amyterm.backup.notifier.alert;

import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.RestoreVerified;
import org.amyterm.backup.contracts.StageFailed;

/** Turns events into the lines a person reads in an alert. */
final class Notifications {
    private Notifications() {
    }

    static Notification of(StageFailed failed) {
        String summary = "Backup " + failed.stage().code() + " of " + failed.database() + " failed ["
                + failed.reason().code() + "]: " + failed.message()
                + (failed.stillRetrying() ? " (still retrying; another alert follows only if it gives up)"
                        : failed.retryable() ? " (retries were exhausted)" : "");
        return new Notification(Notification.CRITICAL, summary, failed.database(), failed.backupId(), StageFailed.TYPE,
                EventJson.write(failed));
    }

    static Notification of(RestoreVerified verified) {
        long passed = verified.checks().stream().filter(CheckResult::passed).count();
        String summary = (verified.passed() ? "Restore test of " + verified.database() + " passed"
                : "Restore test of " + verified.database() + " FAILED") + ": backup " + verified.backupId()
                + " restored in " + verified.restoreMillis() + " ms, " + passed + "/" + verified.checks().size()
                + " checks passed; evidence at " + verified.evidenceKey();
        return new Notification(verified.passed() ? Notification.INFO : Notification.CRITICAL, summary,
                verified.database(), verified.backupId(), RestoreVerified.TYPE, EventJson.write(verified));
    }

    static Notification deadLetter(String topic, String payload) {
        String shown = payload == null ? "(empty)" : payload.length() > 2000 ? payload.substring(0, 2000) + "…" : payload;
        return new Notification(Notification.CRITICAL, "An event on " + topic
                + " could not be processed and was set aside on the dead-letter topic; inspect it and fix its producer",
                null, null, "dead-letter", EventJson.write(java.util.Map.of("topic", topic, "payload", shown)));
    }
}
