package org.amyterm.backup.verifier.verify;

import org.amyterm.backup.contracts.BackupId;
import org.amyterm.backup.contracts.BackupStored;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.VerificationRequested;

/** One restore test to run: of which backup, why, and the id that names its evidence. */
public record VerificationTarget(String verificationId, String backupId, String database, String manifestKey,
        VerificationRequested.Trigger trigger) {

    /** The first test of a backup just stored; a redelivered BackupStored gets the same id. */
    static VerificationTarget of(BackupStored stored) {
        return new VerificationTarget(BackupId.of(stored.storedAt(), stored.backupId() + "/stored"), stored.backupId(),
                stored.database(), stored.manifestKey(), VerificationRequested.Trigger.STORED);
    }

    static VerificationTarget of(VerificationRequested request, ObjectLayout layout) {
        return new VerificationTarget(request.verificationId(), request.backupId(), request.database(),
                layout.manifestKey(request.database(), request.backupId()), request.trigger());
    }
}
