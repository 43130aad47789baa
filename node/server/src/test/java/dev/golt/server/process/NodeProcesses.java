package dev.golt.server.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A cluster of real node processes started from the packaged jar. */
final class NodeProcesses implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path root;
    private final Map<String, int[]> ports = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();

    NodeProcesses(int size) throws IOException {
        root = Files.createTempDirectory("golt-procs");
        for (int i = 1; i <= size; i++) {
            ports.put("n" + i, new int[] {freePort(), freePort()});
        }
    }

    List<String> ids() {
        return new ArrayList<>(ports.keySet());
    }

    String http(String id) {
        return "http://127.0.0.1:" + ports.get(id)[1];
    }

    void start(String id) throws IOException {
        StringBuilder peers = new StringBuilder();
        for (Map.Entry<String, int[]> e : ports.entrySet()) {
            if (!e.getKey().equals(id)) {
                peers.append(peers.isEmpty() ? "" : ",").append(e.getKey()).append("=127.0.0.1:").append(e.getValue()[0]);
            }
        }
        String jar = System.getProperty("golt.node.jar");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-Dgolt.raft.tick-ms=20", "-jar", jar,
                "--id", id, "--address", "127.0.0.1:" + ports.get(id)[0], "--http", "127.0.0.1:" + ports.get(id)[1],
                "--peers", peers.toString(), "--data", root.resolve(id).toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve(id + ".log").toFile()));
        processes.put(id, pb.start());
    }

    /** SIGKILL: no shutdown hook runs. */
    void kill(String id) throws InterruptedException {
        Process p = processes.remove(id);
        if (p != null) {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    JsonNode get(String id, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(http(id) + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    }

    int post(String id, String path, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(http(id) + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Waits until every node reports the same leader. */
    void awaitLeader(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String leader = null;
            boolean agreed = true;
            for (String id : ids()) {
                try {
                    JsonNode s = get(id, "/status");
                    String l = s == null || s.get("leader").isNull() ? null : s.get("leader").asText();
                    if (l == null || (leader != null && !leader.equals(l))) {
                        agreed = false;
                    }
                    leader = l;
                } catch (IOException e) {
                    agreed = false;
                }
            }
            if (agreed && leader != null) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no agreed leader within " + timeout + "; logs in " + root);
    }

    @Override
    public void close() throws InterruptedException {
        for (String id : List.copyOf(processes.keySet())) {
            kill(id);
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
