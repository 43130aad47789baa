package dev.golt.operator.node;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link NodeClient} over {@code java.net.http}. Every request has a short timeout, so one
 * unreachable cluster cannot hold a reconciliation thread for long. Retries only where repeating
 * is known to be harmless: reads ({@code GET}) on any failure, and every request on 503 (the node
 * says "not applied") or when the connection was never established. An admin call
 * (add/remove member, transfer, snapshot) whose request may have reached the node - a timeout
 * waiting for the answer, a reset, a 504 - is never repeated: the next reconciliation re-reads the
 * cluster and decides again.
 */
public final class HttpNodeClient implements NodeClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Duration requestTimeout;
    private final int attempts;
    private final Duration backoff;

    public HttpNodeClient(Duration connectTimeout, Duration requestTimeout, int attempts, Duration backoff) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
        this.requestTimeout = requestTimeout;
        this.attempts = Math.max(1, attempts);
        this.backoff = backoff;
    }

    public static HttpNodeClient defaults() {
        return new HttpNodeClient(Duration.ofSeconds(1), Duration.ofSeconds(5), 3, Duration.ofMillis(200));
    }

    @Override
    public NodeStatus status(URI node) {
        return read(send(node, "GET", "/status", null), NodeStatus.class);
    }

    @Override
    public List<NodeStatus.Member> members(URI node) {
        JsonNode body = read(send(node, "GET", "/admin/members", null), JsonNode.class);
        return JSON.convertValue(body.path("members"), new TypeReference<List<NodeStatus.Member>>() { });
    }

    @Override
    public void addMember(URI node, String id, String raftAddress) {
        send(node, "POST", "/admin/members", Map.of("id", id, "address", raftAddress));
    }

    @Override
    public void removeMember(URI node, String id) {
        try {
            send(node, "DELETE", "/admin/members/" + id, null);
        } catch (NodeException e) {
            if (e.statusCode() != 404) {
                throw e;
            }
        }
    }

    @Override
    public String transferLeadership(URI node, String to) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (to != null) {
            body.put("to", to);
        }
        return read(send(node, "POST", "/admin/transfer-leadership", body), JsonNode.class).path("leader").asText(null);
    }

    @Override
    public long snapshot(URI node) {
        return read(send(node, "POST", "/admin/snapshot", Map.of()), JsonNode.class).path("index").asLong();
    }

    private String send(URI node, String method, String path, Object body) {
        URI uri = URI.create(node.toString().replaceAll("/+$", "") + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("Accept", "application/json");
        try {
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            }
        } catch (IOException e) {
            throw new NodeException("cannot encode request to " + uri, 0, e);
        }
        NodeException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                int code = response.statusCode();
                if (code / 100 == 2) {
                    return response.body();
                }
                last = new NodeException(method + " " + uri + " -> " + code + " " + response.body(), code, null);
                if (code != 503) {
                    throw last;
                }
            } catch (IOException e) {
                last = new NodeException(method + " " + uri + " failed: " + e, 0, e);
                if (!"GET".equals(method) && !neverSent(e)) {
                    throw last;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NodeException(method + " " + uri + " interrupted", 0, e);
            }
            sleep(backoff.multipliedBy(attempt));
        }
        throw last;
    }

    /** The request cannot have reached the node: no connection was made. */
    static boolean neverSent(IOException e) {
        return e instanceof java.net.ConnectException || e instanceof java.net.http.HttpConnectTimeoutException
                || e.getCause() instanceof java.net.ConnectException;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> T read(String body, Class<T> type) {
        try {
            return JSON.readValue(body, type);
        } catch (IOException e) {
            throw new NodeException("malformed node answer: " + body, 0, e);
        }
    }
}
