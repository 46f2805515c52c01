package org.amyterm.backup.notifier.delivery;

/**
 * A channel did not take an alert. A fault (unreachable, timed out, 5xx, 429) may pass and is
 * retried; a refusal (any other 4xx: a wrong URL or key) will not, and goes to the dead-letter topic.
 */
class DeliveryFailed extends RuntimeException {
    private final boolean fault;

    DeliveryFailed(String message, boolean fault, Throwable cause) {
        super(message, cause);
        this.fault = fault;
    }

    boolean fault() {
        return fault;
    }

    /** The usual reading of an HTTP status: 429 and 5xx may pass; other 4xx will not. */
    static DeliveryFailed ofStatus(String channel, int status, String body) {
        String shown = body == null ? "" : body.length() > 200 ? body.substring(0, 200) + "…" : body;
        return new DeliveryFailed(channel + " answered HTTP " + status + (shown.isBlank() ? "" : ": " + shown),
                status == 429 || status >= 500, null);
    }

    static DeliveryFailed unreachable(String channel, Throwable cause) {
        return new DeliveryFailed(channel + " could not be reached: " + cause.getMessage(), true, cause);
    }
}
