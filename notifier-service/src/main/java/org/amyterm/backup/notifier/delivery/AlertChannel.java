package org.amyterm.backup.notifier.delivery;

import org.amyterm.backup.contracts.AlertChanged;
import org.amyterm.backup.notifier.config.NotifierConfig;

/** One way of telling a person: configured or not, routed by severity and database. */
interface AlertChannel {
    /** For logs and metrics: webhook, slack, email, pagerduty. */
    String name();

    boolean configured();

    NotifierConfig.Route route();

    /**
     * Tells the channel of a change; throws {@link DeliveryFailed} saying whether trying again may
     * help. Runs again for the same change after a fault, so receivers may see it twice only if
     * the notifier dies between their answer and its acknowledgement.
     */
    void deliver(AlertChanged change);

    /** Whether the change is this channel's to deliver (repeats never are). */
    default boolean takes(AlertChanged change) {
        if (!change.delivered() || !change.severity().atLeast(route().minSeverity())) {
            return false;
        }
        return change.database() == null || route().databases().map(dbs -> dbs.contains(change.database())).orElse(true);
    }
}
