package org.amyterm.backup.objectstore;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.util.Optional;

/** Where backups are stored; shared by the storage and verifier services (docs/configuration.md). */
@ConfigMapping(prefix = "amyterm.store")
public interface ObjectStoreConfig {

    /** S3 API endpoint; empty means AWS S3 of {@code region}. */
    Optional<URI> endpoint();

    @WithDefault("us-east-1")
    String region();

    String bucket();

    /** Key prefix of the layout {@code <prefix>/<database>/<yyyy>/<mm>/<dd>/<backupId>/}. */
    @WithDefault("amyterm")
    String prefix();

    /** Path-style addressing, needed by most S3-compatible servers (MinIO, Ceph, S3Proxy). */
    @WithDefault("false")
    boolean pathStyle();

    /** Multipart part size in bytes: the upload's memory. At least 5 MiB. */
    @WithDefault("16777216")
    int partSizeBytes();

    /** Create the bucket at start-up if it is missing (local stacks; production buckets are made by their owners). */
    @WithDefault("false")
    boolean createBucket();

    default S3Settings settings() {
        return new S3Settings(endpoint(), region(), bucket(), pathStyle(), partSizeBytes());
    }
}
