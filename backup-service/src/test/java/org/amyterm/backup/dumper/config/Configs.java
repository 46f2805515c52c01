package org.amyterm.backup.dumper.config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;

/** The backup service's configuration from properties, as SmallRye Config maps it in the service. */
public final class Configs {
    private Configs() {
    }

    public static BackupConfig backupConfig(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(BackupConfig.class)
                // "10s", "5m": the durations Quarkus reads
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
        return config.getConfigMapping(BackupConfig.class);
    }
}
