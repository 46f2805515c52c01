package org.amyterm.backup.storage.encrypt;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.amyterm.backup.storage.config.StorageConfig;

/** The configured encryption, made at start-up: a missing or unusable key stops the service with its reason. */
@ApplicationScoped
public class EncryptionProducer {

    @Produces
    @Singleton
    @Startup
    OpenPgpEncryption encryption(StorageConfig config) {
        return new OpenPgpEncryption(config.encryption().publicKeyFile().stream().map(RecipientKey::load).toList());
    }
}
