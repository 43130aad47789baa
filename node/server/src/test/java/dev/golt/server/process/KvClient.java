package dev.golt.server.process;

import dev.golt.server.NodeHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.net.http.HttpConnectTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The KV API over {@link NodeHttp}, classifying every outcome the way the API promises: 200 is a
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

    private final NodeHttp http;

    /** @param timeout how long to wait for an answer before calling the outcome unknown */
    KvClient(Duration timeout) {
        this.http = new NodeHttp(Duration.ofSeconds(1), timeout);
    }

    Reply set(String base, String key, String value) {
        return post(base, "/set", JSON.createObjectNode().put("key", key).put("value", value));
    }

    Reply delete(String base, String key) {
        return post(base, "/delete", JSON.createObjectNode().put("key", key));
    }

    /** {@code expected == null}: must be absent. */
    Reply cas(String base, String key, String expected, String value) {
        return post(base, "/cas", JSON.createObjectNode().put("key", key).put("expected", expected).put("value", value));
    }

    Reply get(String base, String key, boolean stale) {
        String q = "/get?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8) + (stale ? "&consistency=stale" : "");
        return send(base, "GET", q, null);
    }

    private Reply post(String base, String path, ObjectNode body) {
        return send(base, "POST", path, body.toString());
    }

    private Reply send(String base, String method, String path, String body) {
        NodeHttp.Reply r;
        try {
            r = http.send(base, method, path, body);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            return new Reply(Outcome.FAILED, null, "not connected: " + e);
        } catch (IOException e) {
            return new Reply(Outcome.UNKNOWN, null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(Outcome.UNKNOWN, null, "interrupted");
        }
        return switch (r.status()) {
            case 200 -> new Reply(Outcome.OK, okBody(r), null);
            case 503 -> new Reply(Outcome.FAILED, null, r.raw().body());
            default -> new Reply(Outcome.UNKNOWN, null, r.status() + " " + r.raw().body());
        };
    }

    private static JsonNode okBody(NodeHttp.Reply r) {
        if (r.body() == null) {
            throw new AssertionError("200 without a JSON body: " + r.raw().body());
        }
        return r.body();
    }
}
