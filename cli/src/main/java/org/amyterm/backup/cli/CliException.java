package org.amyterm.backup.cli;

/** Ends a command with a message for the operator and an exit code from {@link ExitCode}. */
final class CliException extends RuntimeException {
    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
