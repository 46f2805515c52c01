package org.amyterm.backup.cli;

import java.time.Duration;

/** The pause between two looks at something the CLI waits for. */
final class Waiting {
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(30);

    private Waiting() {
    }

    static void pause() {
        pause(Duration.ofSeconds(1));
    }

    static void pause(Duration pause) {
        try {
            java.util.concurrent.TimeUnit.MILLISECONDS.sleep(Math.max(0, pause.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.TIMED_OUT, "interrupted");
        }
    }

    /** The next wait after a failed look: doubled from 1 s up to 30 s, and never past what is {@code left}. */
    static Duration backoff(Duration previous, Duration left) {
        Duration next = previous.isZero() ? FIRST_RETRY : previous.multipliedBy(2);
        next = next.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : next;
        return left.isNegative() ? Duration.ZERO : next.compareTo(left) > 0 ? left : next;
    }
}
