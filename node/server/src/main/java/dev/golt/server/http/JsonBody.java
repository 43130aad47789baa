package dev.golt.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** A request body parsed strictly: a JSON object whose named fields must be strings (or null where allowed). */
final class JsonBody {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final JsonNode root;

    private JsonBody(JsonNode root) {
        this.root = root;
    }

    static JsonBody parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw bad("request body must be a JSON object");
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(body);
        } catch (IOException e) {
            throw bad("malformed JSON");
        }
        if (n == null || !n.isObject()) {
            throw bad("request body must be a JSON object");
        }
        return new JsonBody(n);
    }

    boolean has(String field) {
        return root.has(field);
    }

    /** A required string field. */
    String string(String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            throw bad("missing field '" + field + "'");
        }
        if (!v.isTextual()) {
            throw bad("field '" + field + "' must be a string");
        }
        return v.asText();
    }

    /** A field that must be present and is a string or null. */
    String nullableString(String field) {
        JsonNode v = root.get(field);
        if (v == null) {
            throw bad("missing field '" + field + "' (use null explicitly)");
        }
        if (v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw bad("field '" + field + "' must be a string or null");
        }
        return v.asText();
    }

    /** An optional string field. */
    String optionalString(String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw bad("field '" + field + "' must be a string");
        }
        return v.asText();
    }

    static byte[] key(String key, int maxBytes) {
        if (key.isEmpty()) {
            throw bad("key must not be empty");
        }
        byte[] b = key.getBytes(StandardCharsets.UTF_8);
        if (b.length > maxBytes) {
            throw new ApiError.BadRequest(ApiError.tooLarge("key is " + b.length + " bytes; the limit is " + maxBytes));
        }
        return b;
    }

    static byte[] value(String value, int maxBytes) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        if (b.length > maxBytes) {
            throw new ApiError.BadRequest(ApiError.tooLarge("value is " + b.length + " bytes; the limit is " + maxBytes));
        }
        return b;
    }

    static ApiError.BadRequest bad(String message) {
        return new ApiError.BadRequest(ApiError.badRequest(message));
    }
}
