package org.amyterm.backup.contracts.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of the audit trail: a JSON object whose {@code prevsha256} is the sha256 of the line
 * before (64 zeros for the first), sealed by a last member {@code linemac}, the HMAC-SHA256 of the
 * line as it reads without that member. An edit breaks the line's own MAC; a deleted or inserted line
 * breaks the next line's {@code prevsha256}; re-chaining after an edit needs the key.
 */
public final class AuditLine {
    public static final String GENESIS = "0".repeat(64);
    public static final String MAC_MEMBER = "linemac";
    private static final Pattern SEAL = Pattern.compile(",\"" + MAC_MEMBER + "\":\"([0-9a-f]{64})\"}$");
    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditLine() {
    }

    /** {@code json} (one compact JSON object, holding {@code prevsha256}) with its {@code linemac} added last. */
    public static String seal(String json, AuditKey key) {
        if (!json.startsWith("{") || !json.endsWith("}") || json.length() < 3 || json.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("an audit line is one non-empty JSON object on one line");
        }
        return json.substring(0, json.length() - 1) + ",\"" + MAC_MEMBER + "\":\"" + key.mac(json) + "\"}";
    }

    /** Whether the line carries a {@code linemac} that {@code key} made for exactly this line. */
    public static boolean isAuthentic(String line, AuditKey key) {
        Matcher m = SEAL.matcher(line);
        return m.find() && key.authenticates(line.substring(0, m.start()) + "}", m.group(1));
    }

    /** Whether the line carries a {@code linemac} at all (lines written before the trail was sealed do not). */
    public static boolean isSealed(String line) {
        return SEAL.matcher(line).find();
    }

    /** The line's own (top-level) {@code prevsha256}; empty if the line is not a JSON object holding one. */
    public static Optional<String> previous(String line) {
        try {
            JsonNode previous = JSON.readTree(line).path("prevsha256");
            return previous.isTextual() ? Optional.of(previous.asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The sha256 (hex) of the line as written, without its newline: what the next line's {@code prevsha256} holds. */
    public static String sha256(String line) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(line.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
