package org.amyterm.backup.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A wait that rides out services it cannot reach for a while (a restart, a replica killed, the
 * bucket away behind them): a look that fails as unavailable is said on stderr and tried again
 * after a backoff (1 s doubling to 30 s, never past the deadline); any other failure ends the wait.
 * The work goes on meanwhile: the backup, not one replica, is what the CLI follows.
 */
final class OutageRider {
    private final Instant deadline;
    private final PrintWriter err;
    private final String waitingFor;
    private Duration retryIn = Duration.ZERO;

    OutageRider(Instant deadline, PrintWriter err, String waitingFor) {
        this.deadline = deadline;
        this.err = err;
        this.waitingFor = waitingFor;
    }

    /** The look's answer, or empty if the service could not be reached this time (after waiting to look again). */
    <T> Optional<T> look(Supplier<T> look) {
        try {
            T answer = look.get();
            retryIn = Duration.ZERO;
            return Optional.of(answer);
        } catch (CliException unavailable) {
            if (unavailable.exitCode() != ExitCode.UNAVAILABLE) {
                throw unavailable;
            }
            retryIn = Waiting.backoff(retryIn, Duration.between(Instant.now(), deadline));
            err.println("amyterm-backup: still waiting for " + waitingFor + ": " + unavailable.getMessage()
                    + "; looking again in " + retryIn.toSeconds() + " s");
            Waiting.pause(retryIn);
            return Optional.empty();
        }
    }
}
