package org.amyterm.backup.notifier;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.CheckResult;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.RestoreVerified;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageFailed;

/** Pipeline events as the other services publish them. */
public final class Events {
    private Events() {
    }

    public static String newBackupId() {
        return BackupId.of(Instant.now(), UUID.randomUUID().toString());
    }

    public static StageFailed dumpFailed(String database) {
        return StageFailed.of(newBackupId(), database, Stage.DUMP, FailureReason.SOURCE_AUTH_FAILED,
                "PostgreSQL refused the backup credentials", Instant.now());
    }

    public static BackupStored stored(String database) {
        String id = newBackupId();
        return new BackupStored(id, database, NotifierResource.BUCKET, "amyterm/" + database + "/" + id + "/dump.pgdump.gpg",
                null, "amyterm/" + database + "/" + id + "/manifest.json", 1234, "ab".repeat(32), "KEYID", "AES256",
                "daily", null, Instant.now());
    }

    public static RestoreVerified verified(String database, boolean passed, long restoreMillis) {
        String id = newBackupId();
        return new RestoreVerified(id, database, passed, restoreMillis, List.of(CheckResult.pass("row-counts", "10 tables")),
                "amyterm/" + database + "/" + id + "/verification.json", Instant.now(), "PT4H");
    }
}
