package org.amyterm.backup.verifier.trust;

import org.amyterm.backup.openpgp.TrustedKeys;

/** The storage services' manifest-signing keys this verifier trusts (a bean of its own, apart from the evidence keys). */
public record TrustedManifestSigners(TrustedKeys keys) {
}
