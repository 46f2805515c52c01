package org.amyterm.backup.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * Why a stage failed, with a stable code (alert rules and dashboards match on it) and whether a
 * retry may help. Permanent reasons need a person: retrying them only delays the alert.
 */
public enum FailureReason {
    SOURCE_UNREACHABLE("AT-DUMP-001", true, "the source PostgreSQL server did not accept a connection"),
    SOURCE_AUTH_FAILED("AT-DUMP-002", false, "the source server refused the backup credentials"),
    DATABASE_NOT_FOUND("AT-DUMP-003", false, "the database does not exist on the source server"),
    DUMP_FAILED("AT-DUMP-004", true, "pg_dump exited with an error"),
    SPOOL_UNWRITABLE("AT-DUMP-005", true, "the spool directory could not be written"),
    REQUEST_REFUSED("AT-DUMP-006", false,
            "the request names a database this service is not configured to back up, or no usable database name"),
    REQUEST_STALE("AT-DUMP-007", false, "the request waited longer than its stale age and was not run"),
    PG_DUMP_MISSING("AT-DUMP-008", true, "no installed pg_dump is of the source server's major version or newer"),
    SPOOL_FULL("AT-DUMP-009", true, "the spool has no room for the dump (it frees up as dumps are stored)"),
    DUMP_INTERRUPTED("AT-DUMP-010", false, "the backup service stopped during the dump; its partial file was removed"),
    SPOOL_MISSING("AT-STORE-001", false, "the spool file named by the event is gone"),
    INTEGRITY_MISMATCH("AT-STORE-002", false, "a checksum did not match the one recorded at dump time"),
    ENCRYPTION_KEY_INVALID("AT-STORE-003", false, "the configured encryption key cannot be used"),
    STORE_UNAVAILABLE("AT-STORE-004", true, "the object store did not answer or returned a server error"),
    STORE_REJECTED("AT-STORE-005", false, "the object store refused the request (credentials, bucket, policy)"),
    KMS_UNAVAILABLE("AT-STORE-006", true, "KMS did not answer or returned a server error"),
    SPOOL_LOW_SPACE("AT-STORE-007", true, "the spool is running out of space: dumps will fail when it is full"),
    SPOOL_REFUSED("AT-STORE-008", false,
            "the event names a spool file outside the storage service's spool: nothing was read or deleted"),
    KEPT_DUMP_EXPIRED("AT-STORE-009", false,
            "a dump kept on the spool after storing was given up was never stored and has been removed"),
    DECRYPTION_FAILED("AT-VERIFY-001", false, "the backup could not be decrypted or failed its integrity check"),
    RESTORE_FAILED("AT-VERIFY-002", false, "pg_restore could not restore the backup"),
    CHECK_FAILED("AT-VERIFY-003", false, "the restored database failed a smoke check"),
    STAGING_UNAVAILABLE("AT-VERIFY-004", true, "the staging PostgreSQL server was not reachable"),
    BACKUP_NOT_FOUND("AT-VERIFY-005", false, "the backup object or its manifest is missing"),
    MANIFEST_UNTRUSTED("AT-VERIFY-006", false,
            "the manifest is unsigned, was changed after signing, or is signed by a key that is not trusted"),
    RESTORE_TOOL_MISSING("AT-VERIFY-007", true, "pg_restore cannot be run on the verifier's host"),
    RESTORE_TARGET_NOT_EMPTY("AT-RESTORE-001", false, "the restore target database already holds objects or data"),
    RESTORE_TARGET_IN_USE("AT-RESTORE-002", false, "another session is connected to the restore target database"),
    RESTORE_ROLE_MISSING("AT-RESTORE-003", false,
            "the target role, a role the backup references, or a privilege the restore needs is missing"),
    RESTORE_SCHEMA_MISMATCH("AT-RESTORE-004", false, "the backup's schema version is not the one expected"),
    RESTORE_NODE_ROLE_MISMATCH("AT-RESTORE-005", false, "the node role stated differs from the backup's"),
    RESTORE_TRUST_MISMATCH("AT-RESTORE-006", false,
            "the backup's federation trust configuration differs from the one given"),
    RESTORE_TARGET_UNREACHABLE("AT-RESTORE-007", true, "the restore target server did not accept a connection"),
    RESTORE_SUBSET_UNKNOWN("AT-RESTORE-008", false,
            "a schema or table chosen for a selective restore is not in the backup, or cannot be restored on its own"),
    RESTORE_SCHEMA_EXISTS("AT-RESTORE-009", false, "the schema to restore into already exists in the target database"),
    RESTORE_NO_CREATE_PRIVILEGE("AT-RESTORE-010", false,
            "the target role may not create a schema in the target database"),
    RESTORE_TARGET_LACKS_DEPENDENCY("AT-RESTORE-011", false,
            "the target database lacks an extension, function or type the chosen tables need"),
    MALFORMED_EVENT("AT-EVENT-001", false, "an event could not be read"),
    UNEXPECTED("AT-INTERNAL-001", true, "an unexpected error; see the service log");

    private final String code;
    private final boolean retryable;
    private final String summary;

    FailureReason(String code, boolean retryable, String summary) {
        this.code = code;
        this.retryable = retryable;
        this.summary = summary;
    }

    @JsonValue
    public String code() {
        return code;
    }

    /** Whether running the stage again, unchanged, may succeed. */
    public boolean isRetryable() {
        return retryable;
    }

    public String summary() {
        return summary;
    }

    /**
     * Whether this reason means input was refused and nothing was attempted: a request for a
     * database not configured or too old, an event that could not be read, or one naming a file
     * the service may not read. Such a failure describes no backup (no failure.json) and its alert
     * ends once no more arrive for a while.
     */
    public boolean isRefusal() {
        return this == REQUEST_REFUSED || this == REQUEST_STALE || this == MALFORMED_EVENT || this == SPOOL_REFUSED;
    }

    @JsonCreator
    public static FailureReason fromCode(String code) {
        return Arrays.stream(values())
                .filter(r -> r.code.equals(code) || r.name().equals(code))
                .findFirst()
                .orElse(UNEXPECTED);
    }
}
