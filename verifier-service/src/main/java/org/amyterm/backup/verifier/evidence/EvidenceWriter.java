package org.amyterm.backup.verifier.evidence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.util.Optional;
import org.amyterm.backup.contracts.RestoreCompleted;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.MalformedEventException;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.Verification;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.objectstore.ObjectStoreException;
import org.amyterm.backup.objectstore.ObjectTooLargeException;
import org.amyterm.backup.openpgp.DetachedSigner;
import org.amyterm.backup.openpgp.SignatureCheck;
import org.jboss.logging.Logger;

/**
 * Writes a verification's evidence, signed, and reads back only evidence that proves itself. Writes: its own {@code verification.<id>.json} (kept, with
 * every earlier one) and, unless a verification that started later is already there, the
 * backup's current {@code verification.json}, which the catalogue and the last known good follow.
 * Each file has its detached signature beside it ({@code .sig}). Reads: evidence counts (a test is
 * not run again for it) only if this service's evidence key signed it, it lies in its own folder and
 * file, and it names the object the backup's signed manifest records; anything else in the bucket
 * may have been planted there, and is tested over.
 */
@ApplicationScoped
public class EvidenceWriter {
    private static final Logger LOG = Logger.getLogger(EvidenceWriter.class);
    private final ObjectStore store;
    private final ObjectLayout layout;
    private final DetachedSigner signer;
    private final SignatureCheck ownSignatures;

    public EvidenceWriter(ObjectStore store, ObjectLayout layout, @Named("evidence") DetachedSigner signer) {
        this.store = store;
        this.layout = layout;
        this.signer = signer;
        this.ownSignatures = new SignatureCheck(signer.ownKey("amyterm.verifier.evidence.signing-key-file"));
    }

    /**
     * The evidence of verification {@code verificationId} if it was written (a redelivered request)
     * for the backup whose trusted manifest is {@code manifest}.
     */
    public Optional<Verification> recorded(String database, String backupId, String verificationId, Manifest manifest) {
        String key = layout.verificationRecordKey(database, backupId, verificationId);
        return bound(signed(database, backupId, key), database, backupId, key, manifest);
    }

    /** The current evidence of the backup whose trusted manifest is {@code manifest}, if it was ever verified. */
    public Optional<Verification> current(String database, String backupId, Manifest manifest) {
        String key = layout.verificationKey(database, backupId);
        return bound(signed(database, backupId, key), database, backupId, key, manifest);
    }

    private static Optional<Verification> bound(Optional<Verification> evidence, String database, String backupId,
            String key, Manifest manifest) {
        String fileName = key.substring(key.lastIndexOf('/') + 1);
        Optional<String> problem = evidence.flatMap(v -> v.bindingProblem(database, backupId, fileName, manifest));
        if (problem.isPresent()) {
            LOG.warnf("%s does not vouch for backup %s of %s (%s): it is tested again", key, backupId, database,
                    problem.get());
            return Optional.empty();
        }
        return evidence;
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
            boolean newer = signed(database, backupId, layout.verificationKey(database, backupId)).map(c -> !c.startedAt().isAfter(evidence.startedAt())).orElse(true);
            if (newer) {
                String current = layout.verificationKey(database, backupId);
                store.putText(current, text);
                store.putText(ObjectLayout.signatureKey(current), signature);
            }
            return record;
        } catch (ObjectStoreException e) {
            throw e.failure(backupId, database, Stage.VERIFY, "the restore test ran, but its evidence could not be written");
        }
    }

    /**
     * Writes the signed record of an operator restore ({@code restore.<recordId>.json}) into the
     * folder of the backup it restored, where the catalogue lists it with that backup; returns its key.
     */
    public String writeRestore(RestoreCompleted restored, String restoreId) {
        String text = EventJson.writeForPeople(restored);
        String key = layout.restoreRecordKey(restored.database(), restored.backupId(),
                org.amyterm.backup.contracts.BackupId.of(restored.completedAt(), restoreId));
        try {
            store.putText(key, text);
            store.putText(ObjectLayout.signatureKey(key), signer.sign(text));
            return key;
        } catch (ObjectStoreException e) {
            throw e.failure(restored.backupId(), restored.database(), Stage.RESTORE,
                    "the restore is done, but its record could not be written to the bucket");
        }
    }

    /** The evidence at {@code key} if this service signed it (else empty, and why in the log). */
    private Optional<Verification> signed(String database, String backupId, String key) {
        try {
            Optional<String> text = store.getText(key);
            if (text.isEmpty()) {
                return Optional.empty();
            }
            Optional<String> signature = store.getText(ObjectLayout.signatureKey(key), SignatureCheck.MAX_SIGNATURE_BYTES);
            ownSignatures.signer(text.get(), signature, key.substring(key.lastIndexOf('/') + 1));
            return Optional.of(EventJson.read(text.get(), Verification.class));
        } catch (SignatureCheck.Untrusted | ObjectTooLargeException | MalformedEventException e) {
            LOG.warnf("%s is not evidence this verifier wrote (%s): it does not count", key, e.getMessage());
            return Optional.empty();
        } catch (ObjectStoreException e) {
            throw e.failure(backupId, database, Stage.VERIFY, "");
        }
    }
}
