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

    Upload upload();

    /** Create the bucket at start-up if it is missing (local stacks; production buckets are made by their owners). */
    @WithDefault("false")
    boolean createBucket();

    default S3Settings settings() {
        return new S3Settings(endpoint(), region(), bucket(), pathStyle(), new UploadSettings(upload().partSizeBytes(),
                upload().concurrency(), upload().bufferMemoryBytes(), upload().partTimeout()),
                new RetrySettings(retry().maxAttempts(), retry().maxBackoff(), retry().callTimeout()),
                switch (objectLock().mode()) {
                    case "none" -> Optional.empty();
                    case "governance" -> Optional.of(software.amazon.awssdk.services.s3.model.ObjectLockMode.GOVERNANCE);
                    case "compliance" -> Optional.of(software.amazon.awssdk.services.s3.model.ObjectLockMode.COMPLIANCE);
                    default -> throw new IllegalArgumentException("amyterm.store.object-lock.mode must be none, governance "
                            + "or compliance, was " + objectLock().mode());
                }, checksums());
    }

    /** {@code when-supported} or {@code when-required}: see {@link TransferChecksums}. */
    @WithDefault("when-supported")
    TransferChecksums checksums();

    ObjectLock objectLock();

    /** S3 Object Lock, for a bucket made with it: what is stored cannot be deleted before its retain-until date. */
    interface ObjectLock {
        /** {@code none}, {@code governance} (privileged users may still delete) or {@code compliance} (nobody may). */
        @WithDefault("none")
        String mode();
    }

    Catalogue catalogue();

    Trust trust();

    /**
     * Whose signatures the catalogue believes (docs/security.md): a manifest counts only if signed by
     * one of {@code manifest-key-files}, evidence only if signed by one of {@code evidence-key-files}
     * (armored OpenPGP public keys; during a rotation the old and the new).
     */
    interface Trust {
        /** The storage services' manifest-signing public keys. */
        java.util.List<java.nio.file.Path> manifestKeyFiles();

        /** The verifiers' evidence-signing public keys. */
        java.util.List<java.nio.file.Path> evidenceKeyFiles();
    }

    /** How the catalogue treats months before last month, whose backups rarely change (see BackupCatalogue). */
    interface Catalogue {
        /** A settled month's listing older than this is listed again in the background after answering from it. */
        @WithDefault("1m")
        java.time.Duration settledRelistAfter();

        /** A settled month's listing older than this is listed again before answering. */
        @WithDefault("15m")
        java.time.Duration settledMaxAge();

        /** Parsed manifests, evidence and records kept in memory (about 1 KiB each); the least recently used go beyond it. */
        @WithDefault("30000")
        int cachedFiles();

        /** Folder listings kept in memory; the oldest go beyond it. */
        @WithDefault("5000")
        int cachedListings();

        default BackupCatalogue.Limits limits() {
            return new BackupCatalogue.Limits(cachedFiles(), cachedListings());
        }
    }

    Retry retry();

    /** The SDK's retries of one request; longer outages are the caller's to ride out (see amyterm.storage.retry). */
    interface Retry {
        /** Attempts per request, the first included. */
        @WithDefault("8")
        int maxAttempts();

        /** Longest wait between two attempts (the waits double from 100 ms, with jitter). */
        @WithDefault("20s")
        java.time.Duration maxBackoff();

        /**
         * The longest one request that is not a stream (a text file, a listing, a lookup, a
         * deletion) may take, retries included; a part's is {@code upload.part-timeout}, a
         * download's reads are bounded by the HTTP client's 30 s socket timeout.
         */
        @WithDefault("3m")
        java.time.Duration callTimeout();
    }

    /** Multipart uploads: part size, parts in flight, and the memory all uploads of a service share. */
    interface Upload {
        /** Size of the first parts (at least 5 MiB); later parts double every 1,000 parts. */
        @WithDefault("8388608")
        int partSizeBytes();

        /** Parts of one upload sent at the same time. */
        @WithDefault("4")
        int concurrency();

        /** Heap for part buffers, shared by all uploads of the service; the largest part is half of it. */
        @WithDefault("50331648")
        long bufferMemoryBytes();

        /** How long a part may take (with the SDK's retries) before the upload fails. */
        @WithDefault("15m")
        java.time.Duration partTimeout();
    }
}
