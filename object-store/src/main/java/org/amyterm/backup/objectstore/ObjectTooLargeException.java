package org.amyterm.backup.objectstore;

import org.amyterm.backup.contracts.FailureReason;

/**
 * A text object is larger than the cap it is read with: it was not read. Nothing this software
 * writes comes near the cap, so whoever wrote it is not this software: a verdict, never retried.
 */
public final class ObjectTooLargeException extends ObjectStoreException {
    public ObjectTooLargeException(String key, long bytes, long cap) {
        super(key + " is " + (bytes < 0 ? "larger than " + cap + " bytes" : bytes + " bytes, over the cap of " + cap)
                + ": not read (nothing this software writes is that large; find out who wrote it)", false, null);
    }

    /** A verdict on the file (someone else wrote it), not a refusal by the store. */
    @Override
    public FailureReason reason() {
        return FailureReason.MANIFEST_UNTRUSTED;
    }
}
