package org.amyterm.backup.objectstore;

import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;

/**
 * The checksums the S3 client adds to what it sends and checks on what it reads
 * ({@code amyterm.store.checksums}). They guard the transfer only: every backup is proved end to
 * end by the SHA-256 of its object and of each 1 MiB chunk in its signed manifest, whichever is chosen.
 */
public enum TransferChecksums {
    /**
     * The SDK's default: a CRC32 of each part and object sent after its body (an {@code aws-chunked}
     * trailer) and checked by the store, and the store's checksums of what is read checked. What AWS S3 wants.
     */
    WHEN_SUPPORTED(RequestChecksumCalculation.WHEN_SUPPORTED, ResponseChecksumValidation.WHEN_SUPPORTED),
    /**
     * Only where the S3 API requires one: for S3-compatible stores that refuse the trailer, and to
     * spare the CRC32 where the transfer is already protected (TLS) and the manifest proves the object.
     */
    WHEN_REQUIRED(RequestChecksumCalculation.WHEN_REQUIRED, ResponseChecksumValidation.WHEN_REQUIRED);

    private final RequestChecksumCalculation requests;
    private final ResponseChecksumValidation responses;

    TransferChecksums(RequestChecksumCalculation requests, ResponseChecksumValidation responses) {
        this.requests = requests;
        this.responses = responses;
    }

    RequestChecksumCalculation requests() {
        return requests;
    }

    ResponseChecksumValidation responses() {
        return responses;
    }
}
