package org.amyterm.backup.verifier.trust;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.amyterm.backup.contracts.FailureReason;
import org.amyterm.backup.contracts.Manifest;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.contracts.Stage;
import org.amyterm.backup.contracts.StageException;
import org.amyterm.backup.contracts.EventJson;
import org.amyterm.backup.contracts.MalformedEventException;
import org.amyterm.backup.openpgp.SignatureCheck;

/**
 * Decides whether a manifest may be trusted, before anything of its backup is read or restored:
 * it must carry a detached signature, over its exact bytes, by a trusted signing key, and describe
 * the very folder it lies in (database, backup id, object keys, KMS context). A backup in the bucket
 * is otherwise only as trustworthy as everyone who can write there, and restoring a forged archive
 * runs its SQL on the staging server.
 */
@ApplicationScoped
public class ManifestTrust {
    private final SignatureCheck signatures;
    private final ObjectLayout layout;

    public ManifestTrust(TrustedManifestSigners signers, ObjectLayout layout) {
        this.signatures = new SignatureCheck(signers.keys());
        this.layout = layout;
    }

    /** Returns the signer's fingerprint; throws MANIFEST_UNTRUSTED (a verdict, never retried) otherwise. */
    public String check(String backupId, String database, Stage stage, String manifest, Optional<String> signature) {
        try {
            return signatures.signer(manifest, signature, ObjectLayout.MANIFEST_FILE);
        } catch (SignatureCheck.Untrusted e) {
            throw untrusted(backupId, database, stage, e.getMessage());
        }
    }

    /**
     * The manifest of the backup in folder {@code database}/{@code backupId}, once its signature
     * and its binding to that folder are proven; MANIFEST_UNTRUSTED otherwise.
     */
    public Manifest trusted(String backupId, String database, Stage stage, String text, Optional<String> signature) {
        check(backupId, database, stage, text, signature);
        Manifest manifest;
        try {
            manifest = EventJson.read(text, Manifest.class);
        } catch (MalformedEventException e) {
            throw untrusted(backupId, database, stage, "the signed manifest cannot be read: " + e.getMessage());
        }
        manifest.bindingProblem(layout, database, backupId).ifPresent(problem -> {
            throw untrusted(backupId, database, stage, problem);
        });
        return manifest;
    }

    private static StageException untrusted(String backupId, String database, Stage stage, String why) {
        return new StageException(backupId, database, stage, FailureReason.MANIFEST_UNTRUSTED, why
                + ": nothing of this backup was restored; find out who wrote it before using it");
    }
}
