package org.amyterm.backup.cli;

/** The CLI's exit codes, for scripts: documented in docs/configuration.md (CLI). */
final class ExitCode {
    static final int OK = 0;
    /** The backup failed (a stage reported a failure, or a restore test failed). */
    static final int FAILED = 1;
    /** The command line or the request was wrong. */
    static final int USAGE = 2;
    /** A service could not be reached or answered with a server error; or a restore test could not run. */
    static final int UNAVAILABLE = 3;
    /** --wait (or verify) gave up before the backup got there. */
    static final int TIMED_OUT = 4;

    private ExitCode() {
    }
}
