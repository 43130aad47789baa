package dev.golt.server.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An HTTP client of the KV API that classifies every outcome the way the API promises: 200 is a
 * definite result, 503 (or a connection never made) means "not applied", anything else (504, a
 * reset or a timeout after the request was sent) means "may or may not have been applied".
 */
final class KvClient {

    enum Outcome { OK, FAILED, UNKNOWN }

    record Reply(Outcome outcome, JsonNode body, String detail) {
        boolean ok() {
            return outcome == Outcome.OK;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();
    private final Duration timeout;

    /** @param timeout how long to wait for an answer before calling the outcome unknown */
    KvClient(Duration timeout) {
        this.timeout = timeout;
    }

    Reply set(String base, String key, String value) {
        ObjectNode b = JSON.createObjectNode().put("key", key).put("value", value);
        return post(base + "/set", b);
    }

    Reply delete(String base, String key) {
        return post(base + "/delete", JSON.createObjectNode().put("key", key));
    }

    /** {@code expected == null}: must be absent. */
    Reply cas(String base, String key, String expected, String value) {
        return post(base + "/cas", JSON.createObjectNode().put("key", key).put("expected", expected).put("value", value));
    }

    Reply get(String base, String key, boolean stale) {
        String q = "/get?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8) + (stale ? "&consistency=stale" : "");
        return send(HttpRequest.newBuilder(URI.create(base + q)).timeout(timeout).GET().build());
    }

    private Reply post(String url, ObjectNode body) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    private Reply send(HttpRequest request) {
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            return new Reply(Outcome.FAILED, null, "not connected: " + e);
        } catch (IOException e) {
            return new Reply(Outcome.UNKNOWN, null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(Outcome.UNKNOWN, null, "interrupted");
        }
        return switch (r.statusCode()) {
            case 200 -> new Reply(Outcome.OK, parse(r.body()), null);
            case 503 -> new Reply(Outcome.FAILED, null, r.body());
            default -> new Reply(Outcome.UNKNOWN, null, r.statusCode() + " " + r.body());
        };
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("200 with a body that is not JSON: " + body, e);
        }
    }
}
