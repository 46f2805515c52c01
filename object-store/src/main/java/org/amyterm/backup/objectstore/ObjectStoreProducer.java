package org.amyterm.backup.objectstore;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.amyterm.backup.contracts.ObjectLayout;
import org.amyterm.backup.openpgp.TrustedKeys;

/** Makes the configured bucket, its layout and its catalogue injectable in a service. */
@ApplicationScoped
public class ObjectStoreProducer {

    @Produces
    @Singleton
    S3ObjectStore objectStore(ObjectStoreConfig config) {
        S3ObjectStore store = S3ObjectStore.connect(config.settings());
        if (config.createBucket()) {
            store.createBucketIfMissing();
        }
        return store;
    }

    void close(@Disposes S3ObjectStore store) {
        store.close();
    }

    @Produces
    @Singleton
    ObjectLayout layout(ObjectStoreConfig config) {
        return new ObjectLayout(config.prefix());
    }

    /** Whose signatures a file read from the bucket must carry: the catalogue's rule, for anyone who reads one. */
    @Produces
    @Singleton
    CatalogueTrust trust(ObjectLayout layout, ObjectStoreConfig config) {
        return new CatalogueTrust(
                TrustedKeys.load(config.trust().manifestKeyFiles(), "amyterm.store.trust.manifest-key-files"),
                TrustedKeys.load(config.trust().evidenceKeyFiles(), "amyterm.store.trust.evidence-key-files"), layout);
    }

    @Produces
    @Singleton
    BackupCatalogue catalogue(S3ObjectStore store, ObjectLayout layout, CatalogueTrust trust, ObjectStoreConfig config) {
        return new BackupCatalogue(store, layout, trust, config.catalogue().settledRelistAfter(),
                config.catalogue().settledMaxAge(), config.catalogue().limits());
    }

    void close(@Disposes BackupCatalogue catalogue) {
        catalogue.close();
    }
}
