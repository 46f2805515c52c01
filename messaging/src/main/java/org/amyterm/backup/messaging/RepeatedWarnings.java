package org.amyterm.backup.messaging;

import io.quarkus.logging.LoggingFilter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;

/**
 * During an outage the client libraries (Kafka, the AWS SDK, Vert.x) log the same warning every
 * second per connection: thousands of lines that bury the few that matter. This filter lets one
 * line per cause through per minute, and the next one says how many like it were left out. A cause
 * is the logger and the message with its numbers blanked (node ids, ports, addresses). The
 * services' own lines ({@code org.amyterm}) and anything below WARN always pass.
 */
@LoggingFilter(name = "repeated-warnings")
public final class RepeatedWarnings implements Filter {
    static final Duration WINDOW = Duration.ofMinutes(1);
    /** Causes remembered; beyond this the least recently seen are forgotten (and may log once more). */
    private static final int CAUSES = 1000;
    private static final Pattern NUMBERS = Pattern.compile("\\d+");

    private final Clock clock;
    private final Map<String, Window> causes = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > CAUSES;
        }
    };

    public RepeatedWarnings() {
        this(Clock.systemUTC());
    }

    RepeatedWarnings(Clock clock) {
        this.clock = clock;
    }

    private static final class Window {
        Instant since;
        int suppressed;

        Window(Instant since) {
            this.since = since;
        }
    }

    @Override
    public synchronized boolean isLoggable(LogRecord record) {
        String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
        if (record.getLevel().intValue() < Level.WARNING.intValue() || logger.startsWith("org.amyterm")) {
            return true;
        }
        String message = record.getMessage() == null ? "" : record.getMessage();
        String cause = logger + "|" + NUMBERS.matcher(message).replaceAll("#");
        Instant now = clock.instant();
        Window window = causes.get(cause);
        if (window == null) {
            causes.put(cause, new Window(now));
            return true;
        }
        if (Duration.between(window.since, now).compareTo(WINDOW) < 0) {
            window.suppressed++;
            return false;
        }
        if (window.suppressed > 0) {
            record.setMessage(message + " [and " + window.suppressed + " more like it in the last "
                    + Duration.between(window.since, now).toSeconds() + " s, not logged]");
        }
        window.since = now;
        window.suppressed = 0;
        return true;
    }
}
