package org.amyterm.backup.dumper.request;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import org.amyterm.backup.contracts.BackupRequested;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;

/**
 * Whether a request read off the topic may run against production. Anyone who can write to the
 * topic is not thereby allowed to dump any database: the name must be a configured one (which also
 * keeps names libpq would read as a connection string, such as {@code host=evil} or a
 * {@code postgresql://} URI, away from it), and a request must not have waited longer than the
 * stale age, so a new consumer group or a replay does not run last month's requests tonight.
 */
final class RequestAdmission {
    /** Clocks of the requester and this service may differ by this much before a request counts as future-dated. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    /** Stands for the database in a refusal whose name is not a usable one (the name is in the message). */
    static final String UNUSABLE_NAME = "*";

    private final Collection<String> configured;
    private final Duration staleAfter;

    RequestAdmission(Collection<String> configured, Duration staleAfter) {
        this.configured = configured;
        this.staleAfter = staleAfter;
    }

    /** Refuses the request with a StageFailed-ready reason, or returns if it may run. */
    void check(BackupRequested request, Instant now) {
        String database = request.database();
        if (!ObjectLayout.isDatabaseName(database)) {
            throw refused(request, UNUSABLE_NAME, FailureReason.REQUEST_REFUSED, "a request for " + quoted(database)
                    + " was refused: not a usable database name (letters, digits, _ . -); nothing was dumped");
        }
        if (!configured.contains(database)) {
            throw refused(request, database, FailureReason.REQUEST_REFUSED, "a request (by " + quoted(request.requestedBy())
                    + ") for database '" + database + "' was refused: it is not configured for backup here (configured: "
                    + String.join(", ", configured) + "); nothing was dumped");
        }
        Duration age = Duration.between(request.requestedAt(), now);
        if (age.compareTo(staleAfter) > 0) {
            throw refused(request, database, FailureReason.REQUEST_STALE, "the " + request.reason().code()
                    + " request for " + database + " made at " + request.requestedAt() + " reached the backup service "
                    + minutes(age) + " later, after amyterm.backup.requests.stale-after (" + minutes(staleAfter)
                    + "), and was not run; request a new backup if one is still wanted");
        }
        if (age.negated().compareTo(CLOCK_SKEW) > 0) {
            throw refused(request, database, FailureReason.REQUEST_STALE, "the request for " + database + " is dated "
                    + request.requestedAt() + ", " + minutes(age.negated()) + " ahead of this service's clock, and was "
                    + "not run: check the clocks of the requester and of the backup service");
        }
    }

    private static StageException refused(BackupRequested request, String database, FailureReason reason, String message) {
        return new StageException(request.backupId(), database, Stage.DUMP, reason, message);
    }

    /** A name from the topic as it may appear in an alert: quoted, escaped and at most 80 characters. */
    private static String quoted(String text) {
        StringBuilder out = new StringBuilder("'");
        text.codePoints().limit(80).forEach(c -> {
            if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\') {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append(text.codePointCount(0, text.length()) > 80 ? "...'" : "'").toString();
    }

    private static String minutes(Duration duration) {
        return duration.toMinutes() + " min";
    }
}
