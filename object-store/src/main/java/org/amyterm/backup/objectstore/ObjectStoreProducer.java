package org.amyterm.backup.objectstore;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.amyterm.backup.contracts.ObjectLayout;

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

    @Produces
    @Singleton
    BackupCatalogue catalogue(S3ObjectStore store, ObjectLayout layout, ObjectStoreConfig config) {
        return new BackupCatalogue(store, layout, config.catalogue().settledRelistAfter(),
                config.catalogue().settledMaxAge());
    }

    void close(@Disposes BackupCatalogue catalogue) {
        catalogue.close();
    }
}
