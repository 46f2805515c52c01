package org.amyterm.backup.cli;

/** The pause between two looks at something the CLI waits for. */
final class Waiting {
    private Waiting() {
    }

    static void pause() {
        try {
            java.util.concurrent.TimeUnit.SECONDS.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.TIMED_OUT, "interrupted");
        }
    }
}
