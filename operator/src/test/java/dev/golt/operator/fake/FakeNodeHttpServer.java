package dev.golt.operator.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.golt.operator.node.NodeException;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Serves a {@link FakeGoltCluster} over HTTP with the node API's paths, each node under
 * {@code /<cluster>/<id>/...}, so the operator's real {@link dev.golt.operator.node.HttpNodeClient} is used.
 */
public final class FakeNodeHttpServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final java.util.function.Function<String, FakeGoltCluster> clusters;

    /** @param clusters the fake cluster of each GoltCluster name */
    public FakeNodeHttpServer(java.util.function.Function<String, FakeGoltCluster> clusters) throws IOException {
        this.clusters = clusters;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint(Pod pod) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"
                + pod.getMetadata().getLabels().get("app.kubernetes.io/instance") + "/" + pod.getMetadata().getName());
    }

    private void handle(HttpExchange exchange) throws IOException {
        String[] parts = exchange.getRequestURI().getPath().split("/", 4);
        FakeGoltCluster cluster = clusters.apply(parts[1]);
        URI node = URI.create("http://fake/" + parts[2]);
        String path = "/" + (parts.length > 3 ? parts[3] : "");
        String method = exchange.getRequestMethod();
        try {
            JsonNode body = exchange.getRequestBody().available() > 0 || "POST".equals(method)
                    ? JSON.readTree(exchange.getRequestBody()) : null;
            Object answer;
            if (path.equals("/status")) {
                answer = cluster.status(node);
            } else if (path.equals("/admin/members") && method.equals("GET")) {
                answer = Map.of("members", cluster.members(node));
            } else if (path.equals("/admin/members") && method.equals("POST")) {
                cluster.addMember(node, body.path("id").asText(), body.path("address").asText());
                answer = Map.of("success", true, "index", cluster.commitIndex());
            } else if (path.startsWith("/admin/members/") && method.equals("DELETE")) {
                cluster.removeMember(node, path.substring("/admin/members/".length()));
                answer = Map.of("success", true, "index", cluster.commitIndex());
            } else if (path.equals("/admin/transfer-leadership")) {
                String to = body == null || body.path("to").isMissingNode() ? null : body.path("to").asText();
                answer = Map.of("success", true, "leader", cluster.transferLeadership(node, to));
            } else if (path.equals("/admin/snapshot")) {
                answer = Map.of("index", cluster.snapshot(node));
            } else {
                respond(exchange, 404, Map.of("error", "unknown path", "code", "not_found"));
                return;
            }
            respond(exchange, 200, answer);
        } catch (NodeException e) {
            respond(exchange, e.statusCode() == 0 ? 502 : e.statusCode(), Map.of("error", e.getMessage(), "code", "fake"));
        }
    }

    private static void respond(HttpExchange exchange, int code, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
