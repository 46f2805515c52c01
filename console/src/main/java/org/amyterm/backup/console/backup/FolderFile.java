package org.amyterm.backup.console.backup;

import java.util.Optional;
import org.amyterm.backup.contracts.Verification;

/**
 * One signed file of a backup's folder as the page shows it: whose trusted key signed it, or why
 * it is not believed; a verification's evidence also parsed, for its checks.
 */
public record FolderFile(String name, long bytes, String signer, String untrusted, Optional<Verification> evidence) {
    public boolean trusted() {
        return signer != null;
    }

    public String signatureName() {
        return name + org.amyterm.backup.contracts.ObjectLayout.SIGNATURE_SUFFIX;
    }
}
