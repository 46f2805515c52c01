package org.amyterm.backup.verifier.operator;

import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;

/** A safeguard stopped an operator restore before it changed anything on the target. */
final class RestoreRefused extends StageException {
    RestoreRefused(String backupId, String database, FailureReason reason, String message) {
        super(backupId, database, Stage.RESTORE, reason, message + "; nothing on the target was changed");
    }
}
