package org.amyterm.backup.contracts;

import java.time.Instant;
import java.util.List;

/**
 * A backup was restored into a fresh staging database and checked. {@code restoreMillis} is the
 * measured recovery time: download, decrypt and pg_restore until the database is usable;
 * {@code rtoTarget} the database's RTO target it is measured against (ISO-8601 duration, null when
 * the backup recorded none or in events of older verifiers).
 */
public record RestoreVerified(
        String backupId,
        String database,
        boolean passed,
        long restoreMillis,
        List<CheckResult> checks,
        String evidenceKey,
        Instant verifiedAt,
        String rtoTarget) implements BackupEvent {

    public static final String TYPE = "org.amyterm.backup.verified.v1";

    public RestoreVerified {
        BackupId.requireValid(backupId);
        Require.text(database, "database");
        Require.notNegative(restoreMillis, "restoreMillis");
        checks = checks == null ? List.of() : List.copyOf(checks);
        Require.text(evidenceKey, "evidenceKey");
        Require.present(verifiedAt, "verifiedAt");
    }

    public RestoreVerified(String backupId, String database, boolean passed, long restoreMillis,
            List<CheckResult> checks, String evidenceKey, Instant verifiedAt) {
        this(backupId, database, passed, restoreMillis, checks, evidenceKey, verifiedAt, null);
    }

    @Override
    public String cloudEventType() {
        return TYPE;
    }

    @Override
    public String topic() {
        return Topics.VERIFIED;
    }
}
