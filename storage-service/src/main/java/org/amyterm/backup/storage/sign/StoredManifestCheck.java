package org.amyterm.backup.storage.sign;

import java.util.Optional;
import org.amyterm.backup.openpgp.SignatureCheck;

/** Whether a manifest found in the bucket was signed by a storage service this one trusts. */
public record StoredManifestCheck(SignatureCheck check) {

    /** The signer's fingerprint, or why the manifest is not proven. */
    public String signer(String manifest, Optional<String> signature) {
        return check.signer(manifest, signature, "manifest.json");
    }
}
