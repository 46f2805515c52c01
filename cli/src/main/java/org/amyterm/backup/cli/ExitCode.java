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
    /** A service refused the token: none or an invalid one (HTTP 401), or its role may not do this (403). */
    static final int NOT_AUTHORISED = 5;
    /** No such backup, database or restore where the service looked (HTTP 404): not a failed backup. */
    static final int NOT_FOUND = 6;

    /** A restore refused: the target database holds objects or data. */
    static final int RESTORE_TARGET_NOT_EMPTY = 10;
    /** A restore refused: another session is connected to the target database. */
    static final int RESTORE_TARGET_IN_USE = 11;
    /** A restore refused: a role or a privilege it needs is missing on the target. */
    static final int RESTORE_ROLE_MISSING = 12;
    /** A restore refused: the backup's schema version is not the expected one. */
    static final int RESTORE_SCHEMA_MISMATCH = 13;
    /** A restore refused: the node role stated is not the backup's. */
    static final int RESTORE_NODE_ROLE_MISMATCH = 14;
    /** A restore refused: the backup's federation trust configuration is not the given one. */
    static final int RESTORE_TRUST_MISMATCH = 15;

    /** A selective restore refused: the schema to restore into already exists in the target database. */
    static final int RESTORE_SCHEMA_EXISTS = 16;
    /** A selective restore refused: the target role may not create a schema in the target database. */
    static final int RESTORE_NO_CREATE_PRIVILEGE = 17;
    /** A selective restore refused: the target lacks an extension, function or type the chosen tables need. */
    static final int RESTORE_TARGET_LACKS_DEPENDENCY = 18;

    /** The exit code of a restore that ended with the failure reason {@code code}. */
    static int ofRestore(String code) {
        return switch (code) {
            case "AT-RESTORE-001" -> RESTORE_TARGET_NOT_EMPTY;
            case "AT-RESTORE-002" -> RESTORE_TARGET_IN_USE;
            case "AT-RESTORE-003" -> RESTORE_ROLE_MISSING;
            case "AT-RESTORE-004" -> RESTORE_SCHEMA_MISMATCH;
            case "AT-RESTORE-005" -> RESTORE_NODE_ROLE_MISMATCH;
            case "AT-RESTORE-006" -> RESTORE_TRUST_MISMATCH;
            case "AT-RESTORE-008" -> NOT_FOUND;
            case "AT-RESTORE-009" -> RESTORE_SCHEMA_EXISTS;
            case "AT-RESTORE-010" -> RESTORE_NO_CREATE_PRIVILEGE;
            case "AT-RESTORE-011" -> RESTORE_TARGET_LACKS_DEPENDENCY;
            case "AT-RESTORE-007", "AT-STORE-004", "AT-VERIFY-004", "AT-VERIFY-007" -> UNAVAILABLE;
            case "AT-VERIFY-005" -> USAGE;
            default -> FAILED;
        };
    }

    private ExitCode() {
    }
}
