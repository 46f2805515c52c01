package org.amyterm.backup.contracts.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret that seals the audit trail (HMAC-SHA256): read from a file only the notifier and the
 * auditor can read; whoever can edit the trail or write the bucket without it cannot forge a line or
 * a checkpoint. Never printed ({@link #toString()} is redacted).
 */
public final class AuditKey {
    /** Shorter secrets are refused: 32 bytes are what HMAC-SHA256 can use in full. */
    public static final int MIN_BYTES = 32;
    private static final int MAX_FILE_BYTES = 4096;

    private final byte[] secret;

    private AuditKey(byte[] secret) {
        this.secret = secret;
    }

    /** The key in {@code file}: its bytes, trailing whitespace (a final newline) left out. */
    public static AuditKey fromFile(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IOException("the audit key file " + file + " holds more than " + MAX_FILE_BYTES
                    + " bytes: is it the right file?");
        }
        byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length;
        while (end > 0 && Character.isWhitespace(bytes[end - 1])) {
            end--;
        }
        return of(Arrays.copyOf(bytes, end), file.toString());
    }

    static AuditKey of(byte[] secret, String source) {
        if (secret.length < MIN_BYTES) {
            throw new IllegalArgumentException("the audit key " + source + " holds " + secret.length
                    + " bytes; it needs at least " + MIN_BYTES + " (for example: head -c 48 /dev/urandom | base64 > FILE)");
        }
        return new AuditKey(secret.clone());
    }

    /** HMAC-SHA256 of {@code text} (UTF-8), lower-case hex. */
    public String mac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Whether {@code claimed} is the MAC of {@code text}, compared in constant time. */
    public boolean authenticates(String text, String claimed) {
        return claimed != null && MessageDigest.isEqual(mac(text).getBytes(StandardCharsets.US_ASCII),
                claimed.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "AuditKey[redacted]";
    }
}
