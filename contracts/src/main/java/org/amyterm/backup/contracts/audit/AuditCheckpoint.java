package org.amyterm.backup.contracts.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * What the notifier vouches for at an instant: its trail {@code trail} had {@code lines} lines, the
 * last of them with sha256 {@code head}. Sealed by {@code mac} (HMAC-SHA256 of the other members,
 * one per line, in this order) and kept in the bucket under a key naming trail and line count
 * ({@code ObjectLayout#auditCheckpointKey}), under Object Lock where the bucket has it: a trail
 * shorter than a checkpoint lost its tail.
 */
public record AuditCheckpoint(String trail, long lines, String head, Instant at, String mac) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TRAIL = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public AuditCheckpoint {
        requireTrailName(trail);
        if (lines < 1) {
            throw new IllegalArgumentException("a checkpoint covers at least one line, not " + lines);
        }
        if (head == null || !SHA256.matcher(head).matches()) {
            throw new IllegalArgumentException("a checkpoint's head is a sha256 in hex");
        }
        if (at == null) {
            throw new IllegalArgumentException("a checkpoint says when it was written");
        }
    }

    /** The checkpoint of the trail's first {@code lines} lines, sealed with {@code key}. */
    public static AuditCheckpoint sealed(String trail, long lines, String head, Instant at, AuditKey key) {
        return new AuditCheckpoint(trail, lines, head, at, key.mac(sealedText(trail, lines, head, at)));
    }

    public static String requireTrailName(String trail) {
        if (trail == null || !TRAIL.matcher(trail).matches()) {
            throw new IllegalArgumentException("'" + trail + "' is not a usable audit trail name (a-z, 0-9, -; at most 40)");
        }
        return trail;
    }

    public boolean isAuthentic(AuditKey key) {
        return key.authenticates(sealedText(trail, lines, head, at), mac);
    }

    private static String sealedText(String trail, long lines, String head, Instant at) {
        return "amyterm-audit-checkpoint-v1\n" + trail + "\n" + lines + "\n" + head + "\n" + at;
    }

    public String toJson() {
        ObjectNode json = JSON.createObjectNode();
        json.put("trail", trail);
        json.put("lines", lines);
        json.put("head", head);
        json.put("at", at.toString());
        json.put("mac", mac);
        return json.toString();
    }

    /** The checkpoint in {@code text}; IllegalArgumentException if it is not one. */
    public static AuditCheckpoint parse(String text) {
        try {
            JsonNode json = JSON.readTree(text);
            if (json == null || !json.isObject() || !json.path("lines").canConvertToLong()) {
                throw new IllegalArgumentException("not an audit checkpoint");
            }
            return new AuditCheckpoint(json.path("trail").asText(null), json.path("lines").asLong(),
                    json.path("head").asText(null), Instant.parse(json.path("at").asText("")), json.path("mac").asText(null));
        } catch (IOException | DateTimeParseException e) {
            throw new IllegalArgumentException("not an audit checkpoint: " + e.getMessage(), e);
        }
    }
}
