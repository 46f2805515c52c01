package org.amyterm.backup.dumper.dump;

import java.time.Duration;
import java.util.List;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.dumper.config.SourceServer;

/**
 * What a failed pg_dump (or pg_dumpall) said, as a reason a person can act on and whether a retry
 * may help: refused credentials and missing rights are not retried, an unreachable server, a lock
 * held too long or a cancelled statement are.
 */
final class PgDumpFailure {
    private record Rule(List<String> phrases, FailureReason reason, String advice) {
    }

    private static final List<Rule> RULES = List.of(
            new Rule(List.of("password authentication failed", "no password supplied", "pg_hba.conf rejects",
                    "SSL required"), FailureReason.SOURCE_AUTH_FAILED,
                    "the server refused the backup credentials: check the password and pg_hba.conf"),
            new Rule(List.of("permission denied for", "row-level security policy", "must be owner of"),
                    FailureReason.SOURCE_AUTH_FAILED,
                    "the backup role may not read everything: grant it pg_read_all_data (and BYPASSRLS where tables "
                            + "use row-level security)"),
            new Rule(List.of("does not exist"), FailureReason.DATABASE_NOT_FOUND,
                    "the database or role does not exist on the server"),
            new Rule(List.of("could not connect", "Connection refused", "could not translate host name",
                    "server closed the connection", "Connection timed out", "connection to server"),
                    FailureReason.SOURCE_UNREACHABLE, "the server could not be reached, or went away during the dump"),
            new Rule(List.of("could not obtain lock", "lock timeout"), FailureReason.DUMP_FAILED,
                    "a table was locked by someone else for longer than amyterm.backup.dump.lock-wait-timeout "
                            + "(a long ALTER TABLE?)"),
            new Rule(List.of("canceling statement", "terminating connection due to administrator command"),
                    FailureReason.DUMP_FAILED, "the server cancelled the dump (an operator, or a statement timeout)"),
            new Rule(List.of("No space left on device"), FailureReason.SPOOL_FULL, "a disk filled up"));

    private PgDumpFailure() {
    }

    /** The failure of {@code program} (exit code, or -1 if it overran {@code timeout}) from its stderr. */
    static StageException of(String program, String backupId, String database, SourceServer server, int exit,
            String stderr, Duration timeout) {
        if (exit < 0) {
            return new StageException(backupId, database, Stage.DUMP, FailureReason.DUMP_FAILED, program + " of "
                    + database + " ran longer than amyterm.backup.dump.timeout (" + timeout + ") and was stopped");
        }
        for (Rule rule : RULES) {
            if (rule.phrases().stream().anyMatch(stderr::contains)) {
                return new StageException(backupId, database, Stage.DUMP, rule.reason(), program + " of " + database
                        + " on server " + server.name() + " (" + server.where() + ") failed: " + rule.advice()
                        + ". It said: " + stderr.strip());
            }
        }
        return new StageException(backupId, database, Stage.DUMP, FailureReason.DUMP_FAILED, program + " of " + database
                + " exited with " + exit + ": " + stderr.strip());
    }
}
