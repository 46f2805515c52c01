package org.amyterm.backup.verifier.evidence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.util.Optional;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.contracts.Verification;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.amyterm.backup.openpgp.DetachedSigner;

/**
 * Writes a verification's evidence, signed: its own {@code verification.<id>.json} (kept, with
 * every earlier one) and, unless a verification that started later is already there, the
 * backup's current {@code verification.json}, which the catalogue and the last known good follow.
 * Each file has its detached signature beside it ({@code .sig}).
 */
@ApplicationScoped
public class EvidenceWriter {
    private final ObjectStore store;
    private final ObjectLayout layout;
    private final DetachedSigner signer;

    public EvidenceWriter(ObjectStore store, ObjectLayout layout, @Named("evidence") DetachedSigner signer) {
        this.store = store;
        this.layout = layout;
        this.signer = signer;
    }

    /** The evidence of verification {@code verificationId} if it was written (a redelivered request). */
    public Optional<Verification> recorded(String database, String backupId, String verificationId) {
        return read(database, backupId, layout.verificationRecordKey(database, backupId, verificationId));
    }

    /** The current evidence of a backup, if it was ever verified. */
    public Optional<Verification> current(String database, String backupId) {
        return read(database, backupId, layout.verificationKey(database, backupId));
    }

    /** Writes {@code evidence} and returns the key of its own file. */
    public String write(Verification evidence) {
        String database = evidence.database();
        String backupId = evidence.backupId();
        String text = EventJson.writeForPeople(evidence);
        String signature = signer.sign(text);
        String record = layout.verificationRecordKey(database, backupId, evidence.verificationId());
        try {
            store.putText(record, text);
            store.putText(ObjectLayout.signatureKey(record), signature);
            boolean newer = current(database, backupId).map(c -> !c.startedAt().isAfter(evidence.startedAt())).orElse(true);
            if (newer) {
                String current = layout.verificationKey(database, backupId);
                store.putText(current, text);
                store.putText(ObjectLayout.signatureKey(current), signature);
            }
            return record;
        } catch (ObjectStoreException e) {
            throw new StageException(backupId, database, Stage.VERIFY,
                    e.isRetryable() ? FailureReason.STORE_UNAVAILABLE : FailureReason.STORE_REJECTED,
                    "the restore test ran, but its evidence could not be written: " + e.getMessage(), e);
        }
    }

    private Optional<Verification> read(String database, String backupId, String key) {
        try {
            return store.getText(key).map(text -> EventJson.read(text, Verification.class));
        } catch (ObjectStoreException e) {
            throw new StageException(backupId, database, Stage.VERIFY,
                    e.isRetryable() ? FailureReason.STORE_UNAVAILABLE : FailureReason.STORE_REJECTED, e.getMessage(), e);
        }
    }
}
