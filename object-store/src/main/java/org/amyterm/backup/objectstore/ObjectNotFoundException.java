package org.amyterm.backup.objectstore;

import org.amyterm.backup.contracts.FailureReason;

/** The object asked for is not in the bucket (HTTP 404 NoSuchKey): the backup is incomplete, not the store away. */
public final class ObjectNotFoundException extends ObjectStoreException {
    public ObjectNotFoundException(String message, Throwable cause) {
        super(message, false, cause);
    }

    @Override
    public FailureReason reason() {
        return FailureReason.BACKUP_NOT_FOUND;
    }
}
