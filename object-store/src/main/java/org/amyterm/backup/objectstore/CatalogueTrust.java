package org.amyterm.backup.objectstore;

import java.util.Optional;
import java.util.function.Function;
import org.amyterm.backup.contracts.RestoreCompleted;
import org.amyterm.backup.contracts.BackupEvent;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.MalformedEventException;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Verification;
import org.amyterm.backup.openpgp.SignatureCheck;
import org.amyterm.backup.openpgp.TrustedKeys;

/**
 * What the catalogue believes of a backup's files: a manifest signed by a trusted storage key and
 * describing its own folder (and so its failure and expiry records); evidence signed by a trusted verifier key, lying in its own folder and
 * file, and naming the object that manifest records. Anything else is {@link Untrusted}: shown as
 * such, never a last known good, never a reason to keep or delete.
 */
public final class CatalogueTrust {
    private final SignatureCheck manifests;
    private final SignatureCheck evidence;
    private final ObjectLayout layout;

    public CatalogueTrust(TrustedKeys manifestSigners, TrustedKeys evidenceSigners, ObjectLayout layout) {
        this.manifests = new SignatureCheck(manifestSigners);
        this.evidence = new SignatureCheck(evidenceSigners);
        this.layout = layout;
    }

    /** The manifest at {@code location}, proven; {@link Untrusted} saying why not. */
    public Manifest manifest(ObjectLayout.Location location, String text, Optional<String> signature) {
        check(manifests, text, signature, location.file());
        Manifest manifest = parse(text, Manifest.class, location.file());
        manifest.bindingProblem(layout, location.database(), location.backupId()).ifPresent(problem -> {
            throw new Untrusted(problem);
        });
        return manifest;
    }

    /**
     * A record the storage service writes into a backup's folder ({@code failure.json},
     * {@code expired.json}) at {@code location}, proven like a manifest: signed by a trusted storage
     * key and naming the database and backup of its folder. An unsigned one is not believed: a
     * planted failure would otherwise hold retention for ever, a planted tombstone hide a last known
     * good.
     */
    public <T extends BackupEvent> T record(ObjectLayout.Location location, String text, Optional<String> signature,
            Class<T> type, Function<T, String> backupIdOf) {
        check(manifests, text, signature, location.file());
        T record = parse(text, type, location.file());
        String backupId = backupIdOf.apply(record);
        if (!location.database().equals(record.database()) || !location.backupId().equals(backupId)) {
            throw new Untrusted(location.file() + " names backup " + backupId + " of " + record.database()
                    + ", not the backup of its folder (" + location.backupId() + " of " + location.database() + ")");
        }
        return record;
    }

    /**
     * The record of an operator restore at {@code location} ({@code restore.<id>.json}): signed by a
     * trusted verifier key (the verifier restores, as it tests) and naming the backup of its folder.
     */
    public RestoreCompleted restoreRecord(ObjectLayout.Location location, String text, Optional<String> signature) {
        check(evidence, text, signature, location.file());
        RestoreCompleted record = parse(text, RestoreCompleted.class, location.file());
        if (!location.database().equals(record.database()) || !location.backupId().equals(record.backupId())) {
            throw new Untrusted(location.file() + " names backup " + record.backupId() + " of " + record.database()
                    + ", not the backup of its folder (" + location.backupId() + " of " + location.database() + ")");
        }
        return record;
    }

    /**
     * The evidence at {@code location} (signature checked; its binding to the manifest is checked by
     * {@link #bound}); {@link Untrusted} saying why not.
     */
    public Verification evidence(ObjectLayout.Location location, String text, Optional<String> signature) {
        check(evidence, text, signature, location.file());
        return parse(text, Verification.class, location.file());
    }

    /** {@code evidence}, if it vouches for the backup at {@code location} whose trusted manifest is {@code manifest}. */
    public static Verification bound(ObjectLayout.Location location, Verification evidence, Manifest manifest) {
        evidence.bindingProblem(location.database(), location.backupId(), location.file(), manifest).ifPresent(problem -> {
            throw new Untrusted(problem);
        });
        return evidence;
    }

    /**
     * Whose trusted key signed the file at {@code location}: the evidence keys for a verification
     * or a restore record, the storage keys for anything else; {@link Untrusted} saying why no trusted key did.
     */
    public String signer(ObjectLayout.Location location, String text, Optional<String> signature) {
        SignatureCheck check = location.file().startsWith("verification") || ObjectLayout.isRestoreRecord(location.file())
                ? evidence : manifests;
        try {
            return check.signer(text, signature, location.file());
        } catch (SignatureCheck.Untrusted e) {
            throw new Untrusted(e.getMessage());
        }
    }

    private static void check(SignatureCheck check, String text, Optional<String> signature, String file) {
        try {
            check.signer(text, signature, file);
        } catch (SignatureCheck.Untrusted e) {
            throw new Untrusted(e.getMessage());
        }
    }

    private static <T> T parse(String text, Class<T> type, String file) {
        try {
            return EventJson.read(text, type);
        } catch (MalformedEventException e) {
            throw new Untrusted(file + " is signed but cannot be read: " + e.getMessage());
        }
    }

    /** A file the catalogue does not believe, and why. */
    public static final class Untrusted extends RuntimeException {
        public Untrusted(String message) {
            super(message);
        }
    }
}
