package org.amyterm.backup.notifier.lifecycle;

import org.amyterm.backup.contracts.Stage;

/** The conditions an alert is about: stable names (alert ids, PagerDuty dedup keys and rules use them). */
public final class Conditions {
    /** No stored backup within the database's RPO. */
    public static final String RPO_EXCEEDED = "rpo-exceeded";
    /**
     * The newest backup that passed its restore test was taken longer ago than the database's RPO:
     * restoring the last known good now would lose more than the RPO allows, however recent the
     * newest stored (untested or failing) backup is.
     */
    public static final String VERIFIED_RPO_EXCEEDED = "verified-rpo-exceeded";
    /** No backup taken within the database's verification window has passed its restore test. */
    public static final String VERIFICATION_OVERDUE = "verification-overdue";
    /** The latest measured restore took longer than the RTO target. */
    public static final String RTO_EXCEEDED = "rto-exceeded";
    /**
     * Files in the database's backup folders that did not prove themselves (unsigned, signed by an
     * untrusted key, copied from another folder, oversized): someone other than the services wrote there.
     */
    public static final String BUCKET_UNTRUSTED = "bucket-untrusted";
    /**
     * Input refused before anything was attempted (an unconfigured database, a stale request, an
     * unreadable event, a file outside the spool): resolved once none has come for a while.
     */
    public static final String REQUEST_REFUSED = "request-refused";
    /**
     * The database has backups in the bucket but no backup service declares it any more
     * (ScheduleDeclared): raised once; its RPO alerts are resolved and no longer judged.
     */
    public static final String NO_LONGER_BACKED_UP = "no-longer-backed-up";
    /** Events set aside on a dead-letter topic (the scope is the topic). */
    public static final String DEAD_LETTER = "dead-letter";

    private Conditions() {
    }

    /** A stage failing, e.g. {@code dump-failed}. */
    public static String failed(Stage stage) {
        return stage.code() + "-failed";
    }
}
