package org.amyterm.backup.objectstore;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Every S3 request this test JVM's clients send, as signed and about to go on the wire (operation,
 * path, and the headers that say how its body is checked). The SDK loads it into each S3 client it
 * builds, the services' own included, from this module's test resources
 * ({@code software/amazon/awssdk/services/s3/execution.interceptors}).
 */
public final class RecordedS3Requests implements ExecutionInterceptor {
    private static final int KEPT = 2000;
    private static final ConcurrentLinkedDeque<Request> SENT = new ConcurrentLinkedDeque<>();

    /** One request: its operation, its path, and its {@code x-amz-*} checksum and payload headers. */
    record Request(String operation, String path, Map<String, String> headers) {
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        Map<String, String> headers = new TreeMap<>();
        context.httpRequest().headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-amz-checksum") || lower.equals("x-amz-trailer") || lower.equals("x-amz-content-sha256")
                    || lower.equals("x-amz-sdk-checksum-algorithm") || lower.equals("content-encoding")) {
                headers.put(lower, String.join(",", values));
            }
        });
        SENT.add(new Request(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                context.httpRequest().encodedPath(), headers));
        while (SENT.size() > KEPT) {
            SENT.pollFirst();
        }
    }

    /** The requests of {@code operation} whose path contains {@code key}, oldest first. */
    static List<Request> of(String operation, String key) {
        return SENT.stream().filter(r -> r.operation().equals(operation) && r.path().contains(key)).toList();
    }
}
