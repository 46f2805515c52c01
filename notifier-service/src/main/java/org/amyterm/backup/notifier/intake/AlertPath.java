package org.amyterm.backup.notifier.intake;

import jakarta.enterprise.context.ApplicationScoped;
import org.amyterm.backup.contracts.MalformedEventException;
import org.amyterm.backup.messaging.RetryWindow;
import org.amyterm.backup.notifier.config.NotifierConfig;
import org.jboss.logging.Logger;

/**
 * Runs a change of the alert book, riding out a Kafka outage within {@code amyterm.notifier.retry}:
 * an event is only acknowledged once its alert is on {@code backup.alerts}; after the window it
 * fails and is set aside on the dead-letter topic with its cause, never dropped.
 */
@ApplicationScoped
public class AlertPath {
    private static final Logger LOG = Logger.getLogger(AlertPath.class);

    private final RetryWindow window;

    public AlertPath(NotifierConfig config) {
        this.window = RetryWindow.of("amyterm.notifier.retry", config.retry());
    }

    public void run(String what, Runnable change) {
        window.run(Boolean.class, () -> {
            change.run();
            return Boolean.TRUE;
        }, failure -> !(failure instanceof MalformedEventException), (failure, until) -> {
            LOG.warnf("recording %s failed (%s); retrying until %s", what, failure.getMessage(), until);
            return true;
        });
    }
}
