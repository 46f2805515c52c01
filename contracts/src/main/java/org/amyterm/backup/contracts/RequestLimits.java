package org.amyterm.backup.contracts;

/**
 * How long the free-text fields of an API request may be ({@code requestedBy}, idempotency keys):
 * a longer one is refused with a 400 that says so, never carried onto a topic.
 */
public final class RequestLimits {
    public static final int MAX_TEXT_FIELD = 200;

    private RequestLimits() {
    }

    public static boolean tooLong(String value) {
        return value != null && value.length() > MAX_TEXT_FIELD;
    }

    /** The refusal, naming the fields. */
    public static String tooLongMessage(String fields) {
        return fields + " may hold at most " + MAX_TEXT_FIELD + " characters";
    }
}
