package dev.golt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;

/** A node's final answer to one request: status, raw body, the body as JSON, and who answered. */
public record Reply(int status, String raw, JsonNode json, URI endpoint) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** The {@code code} of a JSON error body, or "" if there is none. */
    public String errorCode() {
        return json.path("code").asText("");
    }

    public String errorMessage() {
        String m = json.path("error").asText("");
        return m.isEmpty() ? raw.strip() : m;
    }
}
