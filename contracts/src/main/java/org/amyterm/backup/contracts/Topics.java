package org.amyterm.backup.contracts;

/** Kafka topic names; one constant per row of the event catalogue (docs/events.md). */
public final class Topics {
    public static final String REQUESTS = "backup.requests";
    public static final String STARTED = "backup.started";
    public static final String COMPLETED = "backup.completed";
    public static final String STORED = "backup.stored";
    public static final String VERIFIED = "backup.verified";
    /** Restore tests asked for again, of backups already stored (VerificationRequested). */
    public static final String VERIFICATION_REQUESTS = "backup.verification-requests";
    public static final String RESTORED = "backup.restored";
    public static final String FAILED = "backup.failed";
    public static final String EXPIRED = "backup.expired";
    /** Which databases each backup service is configured for (ScheduleDeclared), compacted: key = the service. */
    public static final String SCHEDULES = "backup.schedules";
    /** The notifier's alerts (AlertChanged), compacted: the latest record of each alert is its state. */
    public static final String ALERTS = "backup.alerts";
    /**
     * The notifier's own state, not an event: each alert channel's last delivery and how it went,
     * compacted, key = the channel; every notifier replica reads it whole, so each tells the same.
     */
    public static final String ALERT_DELIVERIES = "backup.alert-deliveries";
    /**
     * Nothing is written here: the notifier replica holding its partition 0 in the consumer group
     * {@code notifier-active} is the active one (watchdog, audit trail).
     */
    public static final String NOTIFIER_ACTIVE = "backup.notifier.active";
    /** Suffix of the dead-letter topic of each consumed topic, e.g. {@code backup.completed.dlq}. */
    public static final String DLQ_SUFFIX = ".dlq";

    private Topics() {
    }
}
