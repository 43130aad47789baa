package dev.golt.server.process;

import dev.golt.server.NodeHttp;
import dev.golt.server.TestPorts;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** A cluster of real node processes started from the packaged jar. */
final class NodeProcesses implements AutoCloseable {

    private static final NodeHttp HTTP = new NodeHttp(Duration.ofSeconds(2), Duration.ofSeconds(10));

    private final Path root;
    private final Map<String, int[]> ports = new LinkedHashMap<>();
    private final Map<String, Process> processes = new ConcurrentHashMap<>();
    private final Map<String, Integer> advertised = new LinkedHashMap<>();
    private final List<String> jvmOptions;
    private final FaultyNetwork network;

    NodeProcesses(int size) throws IOException {
        this(size, false, List.of());
    }

    /**
     * @param proxied    peers reach each other only through a {@link FaultyNetwork}
     * @param jvmOptions extra {@code -D} options (node configuration) for every node
     */
    NodeProcesses(int size, boolean proxied, List<String> jvmOptions) throws IOException {
        root = Files.createTempDirectory("golt-procs");
        this.jvmOptions = List.copyOf(jvmOptions);
        network = proxied ? new FaultyNetwork(this::pids) : null;
        for (int i = 1; i <= size; i++) {
            String id = "n" + i;
            int[] p = {freePort(), freePort(), freePort()};
            ports.put(id, p);
            advertised.put(id, proxied ? network.front(id, p[0]) : p[0]);
        }
    }

    FaultyNetwork network() {
        return network;
    }

    Path root() {
        return root;
    }

    boolean running(String id) {
        return processes.containsKey(id);
    }

    private Map<String, Long> pids() {
        Map<String, Long> out = new LinkedHashMap<>();
        processes.forEach((id, p) -> out.put(id, p.pid()));
        return out;
    }

    List<String> ids() {
        return new ArrayList<>(ports.keySet());
    }

    /** The node's etcd v3 API (clients reach it directly, not through the fault proxy). */
    int grpcPort(String id) {
        return ports.get(id)[2];
    }

    String http(String id) {
        return "http://127.0.0.1:" + ports.get(id)[1];
    }

    void start(String id) throws IOException {
        StringBuilder peers = new StringBuilder();
        for (Map.Entry<String, Integer> e : advertised.entrySet()) {
            if (!e.getKey().equals(id)) {
                peers.append(peers.isEmpty() ? "" : ",").append(e.getKey()).append("=127.0.0.1:").append(e.getValue());
            }
        }
        String jar = System.getProperty("golt.node.jar");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-Dgolt.raft.tick-ms=20"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar,
                "--id", id, "--address", "127.0.0.1:" + ports.get(id)[0], "--http", "127.0.0.1:" + ports.get(id)[1],
                "--grpc", "127.0.0.1:" + ports.get(id)[2],
                "--advertise", "127.0.0.1:" + advertised.get(id),
                "--peers", peers.toString(), "--data", root.resolve(id).toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
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

    /** SIGSTOP: the process freezes with its sockets open, like a long GC pause or a hung VM. */
    void pause(String id) throws IOException, InterruptedException {
        signal(id, "STOP");
    }

    /** SIGCONT after {@link #pause}. */
    void resume(String id) throws IOException, InterruptedException {
        signal(id, "CONT");
    }

    private void signal(String id, String signal) throws IOException, InterruptedException {
        Process p = processes.get(id);
        if (p != null) {
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
        }
    }

    JsonNode get(String id, String path) throws IOException, InterruptedException {
        NodeHttp.Reply r = HTTP.get(http(id), path);
        return r.status() == 200 ? r.body() : null;
    }

    int post(String id, String path, String body) throws IOException, InterruptedException {
        return HTTP.post(http(id), path, body).status();
    }

    /** Waits until {@code id} answers HTTP (a JVM start takes seconds, many on a loaded machine). */
    void awaitUp(String id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (get(id, "/status") != null) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(id + " did not start within " + timeout + "; logs in " + root);
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

    /** Waits until every node reports the same commit index and has applied it; returns that index. */
    long awaitConverged(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            long commit = -1;
            boolean same = true;
            StringBuilder seen = new StringBuilder();
            for (String id : ids()) {
                JsonNode s;
                try {
                    s = get(id, "/status");
                } catch (IOException e) {
                    s = null;
                }
                if (s == null) {
                    same = false;
                    seen.append(id).append("=down ");
                    continue;
                }
                long c = s.get("commitIndex").asLong();
                seen.append(id).append("=").append(c).append("/").append(s.get("appliedIndex").asLong()).append(' ');
                same &= s.get("appliedIndex").asLong() == c && (commit < 0 || commit == c);
                commit = c;
            }
            if (same && seen.toString().equals(last)) {
                return commit;
            }
            last = seen.toString();
            Thread.sleep(300);
        }
        throw new AssertionError("nodes did not converge within " + timeout + " (commit/applied: " + last + ")");
    }

    /** Copies the nodes' logs to {@code dir} (they are deleted on close). */
    void keepLogs(Path dir) {
        try (Stream<Path> logs = Files.list(root)) {
            Files.createDirectories(dir);
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                Files.copy(log, dir.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (network != null) {
            network.close();
        }
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
        return TestPorts.free();
    }
}
