package org.amyterm.backup.storage.sign;

import jakarta.enterprise.context.ApplicationScoped;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.objectstore.ObjectStore;
import org.amyterm.backup.openpgp.DetachedSigner;

/**
 * Writes the storage service's records into a backup's folder ({@code failure.json},
 * {@code expired.json}) with their signature beside them, as it signs manifests: the catalogue
 * believes no record it cannot prove. The record goes first; a crash between the two leaves an
 * unsigned record, shown as untrusted until the event is redelivered and both are written again.
 * Replicas writing the same event write the same text, so either one's signature proves it.
 */
@ApplicationScoped
public class SignedRecords {
    private final ObjectStore store;
    private final DetachedSigner signer;

    public SignedRecords(ObjectStore store, DetachedSigner signer) {
        this.store = store;
        this.signer = signer;
    }

    public void put(String key, String text) {
        store.putText(key, text);
        store.putText(ObjectLayout.signatureKey(key), signer.sign(text));
    }
}
