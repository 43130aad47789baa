package dev.golt.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The one HTTP client the node's tests talk to the node API with (the in-JVM Quarkus test and the
 * process tests alike): JSON in, status and JSON out. It does not judge outcomes; a caller that must
 * tell "not applied" from "unknown" (the process tests' {@code KvClient}) classifies its exceptions.
 */
public final class NodeHttp {

    /** @param body the parsed JSON body, or null when the answer carried none */
    public record Reply(int status, JsonNode body, HttpResponse<String> raw) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Duration timeout;

    /** @param timeout how long a request may wait for its answer */
    public NodeHttp(Duration connectTimeout, Duration timeout) {
        // HTTP/1.1: the node serves no h2c, so an upgrade attempt per connection would only cost time.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
        this.timeout = timeout;
    }

    public Reply get(String base, String path) throws IOException, InterruptedException {
        return send(base, "GET", path, null);
    }

    public Reply post(String base, String path, String json) throws IOException, InterruptedException {
        return send(base, "POST", path, json);
    }

    /** @param base the node's HTTP root, with or without a trailing slash */
    public Reply send(String base, String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base.replaceAll("/$", "") + path)).timeout(timeout)
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), body(r), r);
    }

    private static JsonNode body(HttpResponse<String> r) {
        if (!r.headers().firstValue("Content-Type").orElse("").contains("json") || r.body().isEmpty()) {
            return null;
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            // The node said JSON and sent something else: a bug in the node, not a network outcome.
            throw new AssertionError("a " + r.statusCode() + " whose body is not JSON: " + r.body(), e);
        }
    }
}
