package org.amyterm.backup.contracts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON form of events, manifests and evidence. Unknown fields are ignored, so a record
 * written by a newer producer is still read by an older consumer.
 */
public final class EventJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private EventJson() {
    }

    /** Compact JSON: events on the wire. */
    public static String write(Object value) {
        return write(value, false);
    }

    /** Indented JSON: what people open (manifest, evidence, failure record in the bucket). */
    public static String writeForPeople(Object value) {
        return write(value, true);
    }

    private static String write(Object value, boolean indent) {
        try {
            return indent ? MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value) : MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        if (json == null || json.isBlank()) {
            throw new MalformedEventException("empty payload where a " + type.getSimpleName() + " was expected", null);
        }
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new MalformedEventException("not a valid " + type.getSimpleName() + ": " + rootMessage(e), e);
        }
    }

    public static <T> T read(byte[] json, Class<T> type) {
        return read(json == null ? null : new String(json, java.nio.charset.StandardCharsets.UTF_8), type);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
