package dev.golt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP server that answers like one Golt node (in-memory data, the DESIGN.md shapes and
 * error bodies), with scripted failures queued in front of the normal answers.
 */
final class StubNode implements AutoCloseable {

    record Request(String method, String pathAndQuery, String body) {}

    record Scripted(int status, String body, String retryAfter, long delayMillis) {}

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final TreeMap<String, String> data = new TreeMap<>();
    private final Map<String, String> members = new LinkedHashMap<>();
    private final Deque<Scripted> scripted = new ArrayDeque<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private Scripted always;
    private long index;
    private String leader = "n1";

    StubNode() throws IOException {
        members.put("n1", "127.0.0.1:7001");
        members.put("n2", "127.0.0.1:7002");
        members.put("n3", "127.0.0.1:7003");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String endpoint() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    synchronized void put(String key, String value) {
        data.put(key, value);
    }

    synchronized String value(String key) {
        return data.get(key);
    }

    /** The next answer is this one instead of the normal one. */
    synchronized StubNode thenAnswer(int status, String body, String retryAfter) {
        scripted.add(new Scripted(status, body, retryAfter, 0));
        return this;
    }

    /** Every answer from now on is this one. */
    synchronized StubNode alwaysAnswer(int status, String body, String retryAfter, long delayMillis) {
        always = new Scripted(status, body, retryAfter, delayMillis);
        return this;
    }

    static String error(String code, String message) {
        return "{\"error\":\"" + message + "\",\"code\":\"" + code + "\"}";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String pq = ex.getRequestURI().getRawPath()
                    + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
            requests.add(new Request(ex.getRequestMethod(), pq, body));
            Scripted s;
            synchronized (this) {
                s = scripted.isEmpty() ? always : scripted.poll();
            }
            if (s != null) {
                if (s.delayMillis() > 0) {
                    try {
                        Thread.sleep(s.delayMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (s.retryAfter() != null) {
                    ex.getResponseHeaders().add("Retry-After", s.retryAfter());
                }
                send(ex, s.status(), s.body());
                return;
            }
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            JsonNode json = body.isEmpty() ? mapper.createObjectNode() : mapper.readTree(body);
            synchronized (this) {
                answer(ex, ex.getRequestMethod() + " " + ex.getRequestURI().getPath(), query, json);
            }
        }
    }

    private void answer(HttpExchange ex, String route, Map<String, String> q, JsonNode in) throws IOException {
        ObjectNode out = mapper.createObjectNode();
        switch (route) {
            case "POST /set" -> {
                data.put(in.get("key").asText(), in.get("value").asText());
                out.put("success", true).put("index", ++index);
            }
            case "GET /get" -> {
                String v = data.get(q.get("key"));
                out.put("key", q.get("key"));
                if (v != null) {
                    out.put("value", v);
                }
                out.put("found", v != null);
            }
            case "POST /delete" -> {
                boolean found = data.remove(in.get("key").asText()) != null;
                out.put("success", true).put("index", ++index).put("found", found);
            }
            case "POST /cas" -> {
                String key = in.get("key").asText();
                String current = data.get(key);
                String expected = in.get("expected").isNull() ? null : in.get("expected").asText();
                boolean success = java.util.Objects.equals(current, expected);
                if (success) {
                    if (in.get("value").isNull()) {
                        data.remove(key);
                    } else {
                        data.put(key, in.get("value").asText());
                    }
                    index++;
                }
                out.put("success", success).put("index", index);
                out.put("current", success ? data.get(key) : current);
            }
            case "GET /scan" -> scan(q, out);
            case "GET /status" -> {
                out.put("nodeId", "n1").put("state", leader.equals("n1") ? "leader" : "follower").put("term", 7)
                        .put("commitIndex", index).put("appliedIndex", index).put("logLength", index)
                        .put("snapshotIndex", 0).put("leader", leader).put("isLeader", leader.equals("n1"));
                out.set("members", memberList());
            }
            case "GET /admin/members" -> out.set("members", memberList());
            case "POST /admin/members" -> {
                members.putIfAbsent(in.get("id").asText(), in.get("address").asText());
                out.put("success", true).put("index", ++index);
            }
            case "POST /admin/snapshot" -> out.put("index", index);
            case "POST /admin/transfer-leadership" -> {
                leader = in.path("to").asText("n2");
                out.put("success", true).put("leader", leader);
            }
            default -> {
                if (route.startsWith("DELETE /admin/members/")) {
                    String id = route.substring("DELETE /admin/members/".length());
                    if (members.remove(id) == null) {
                        send(ex, 404, error("unknown_member", "unknown member " + id));
                        return;
                    }
                    out.put("success", true).put("index", ++index);
                } else {
                    send(ex, 404, error("not_found", "no such path"));
                    return;
                }
            }
        }
        send(ex, 200, out.toString());
    }

    private void scan(Map<String, String> q, ObjectNode out) {
        String prefix = q.getOrDefault("prefix", "");
        String after = q.get("after");
        int limit = Integer.parseInt(q.getOrDefault("limit", "100"));
        ArrayNode items = out.putArray("items");
        String next = null;
        for (Map.Entry<String, String> e : data.tailMap(after == null ? prefix : after, after == null).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            if (items.size() == limit) {
                next = items.get(items.size() - 1).get("key").asText();
                break;
            }
            items.addObject().put("key", e.getKey()).put("value", e.getValue());
        }
        out.put("next", next);
    }

    private ArrayNode memberList() {
        ArrayNode list = mapper.createArrayNode();
        members.forEach((id, addr) -> {
            ObjectNode m = list.addObject().put("id", id).put("address", addr).put("role", "voter");
            if (leader.equals("n1")) {
                m.put("matchIndex", index);
            } else {
                m.putNull("matchIndex");
            }
        });
        return list;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                q.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return q;
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
