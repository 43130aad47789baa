package dev.golt.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** What both clusters share: member processes, their logs and data, and control-plane HTTP calls. */
abstract class LocalCluster implements ClusterUnderTest {

    protected static final int MEMBERS = 3;

    private final HttpClient control = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();
    protected final ProcessSupervisor supervisor;
    protected final Path workDir;
    protected final Map<String, Process> processes = new LinkedHashMap<>();
    protected final List<Endpoint> endpoints = new ArrayList<>();
    /** Member id to its etcd v3 gRPC {@code host:port}, filled by {@link #start()} where the system serves one. */
    protected final Map<String, String> grpcEndpoints = new LinkedHashMap<>();
    private final Map<String, Launch> launches = new LinkedHashMap<>();

    private record Launch(List<String> command, Map<String, String> env) {
    }

    /** Kill-all recovery: seconds from the restart to each member answering a linearizable read, and to the first accepted write. */
    public record Recovery(Map<String, Double> servingSeconds, double firstWriteSeconds) {
    }

    protected LocalCluster(ProcessSupervisor supervisor, String name) {
        this.supervisor = supervisor;
        this.workDir = supervisor.newTempDir("golt-bench-" + name + "-");
    }

    protected Path logOf(String member) {
        return workDir.resolve(member + ".log");
    }

    /**
     * Copies every member's log to {@code dir} as {@code <system>-<member>.log}, so that it can be
     * read after the run: {@link #close()} deletes the work directory with the logs in it.
     */
    public void copyLogsTo(Path dir) {
        try {
            Files.createDirectories(dir);
            for (String member : processes.keySet()) {
                if (Files.exists(logOf(member))) {
                    Files.copy(logOf(member), dir.resolve(system() + "-" + member + ".log"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            System.err.println("warning: could not keep the " + system() + " logs in " + dir + ": " + e.getMessage());
        }
    }

    /** Starts a member and remembers how, so that {@link #killAllAndRestart} can start it again. */
    protected void launch(String member, List<String> command, Map<String, String> env) {
        launches.put(member, new Launch(command, env));
        processes.put(member, supervisor.start(command, env, logOf(member)));
    }

    /**
     * {@code kill -9} of every member at once, then every member started again on its data, as
     * after a power loss: how long until each answers a linearizable read, and until the cluster
     * accepts a write (tried on every member in turn).
     */
    public Recovery killAllAndRestart(Duration timeout) {
        for (Process p : processes.values()) {
            p.destroyForcibly();
        }
        for (Process p : processes.values()) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        supervisor.stop(new ArrayList<>(processes.values()));
        long start = System.nanoTime();
        launches.forEach((member, l) -> processes.put(member, supervisor.start(l.command(), l.env(), logOf(member))));
        Map<String, Double> serving = new LinkedHashMap<>();
        double[] firstWrite = {Double.NaN};
        KvApi.Request write = api().put("bench/recovery", "after-kill".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        KvApi.Request read = api().get("bench/recovery", Workload.ReadMode.LINEARIZABLE);
        await("every member serving and a write accepted after kill -9 of all", timeout, () -> {
            for (Endpoint e : endpoints) {
                if (!serving.containsKey(e.memberId()) && answers(e, read)) {
                    serving.put(e.memberId(), (System.nanoTime() - start) / 1e9);
                }
                if (Double.isNaN(firstWrite[0]) && answers(e, write)) {
                    firstWrite[0] = (System.nanoTime() - start) / 1e9;
                }
            }
            return serving.size() == endpoints.size() && !Double.isNaN(firstWrite[0]) ? Optional.of(true) : Optional.empty();
        });
        return new Recovery(serving, firstWrite[0]);
    }

    private boolean answers(Endpoint e, KvApi.Request r) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(e.url() + r.uri()));
        if (r.body() == null) {
            b.GET();
        } else {
            b.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(r.body().getBytes()));
        }
        return send(b, Duration.ofMillis(500)).map(resp -> resp.statusCode() / 100 == 2).orElse(false);
    }

    @Override
    public Map<String, String> grpcEndpoints() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(grpcEndpoints));
    }

    /** Waits until something accepts TCP connections on every member's gRPC address. */
    protected void awaitGrpcListening(Duration timeout) {
        grpcEndpoints.forEach((member, hostPort) -> await(system() + " " + member + " listening on " + hostPort + " (gRPC)",
                timeout, () -> {
                    int colon = hostPort.lastIndexOf(':');
                    try (java.net.Socket s = new java.net.Socket()) {
                        s.connect(new java.net.InetSocketAddress(hostPort.substring(0, colon),
                                Integer.parseInt(hostPort.substring(colon + 1))), 500);
                        return Optional.of(true);
                    } catch (IOException e) {
                        return Optional.empty();
                    }
                }));
    }

    @Override
    public Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        processes.forEach((id, p) -> pids.put(id, p.pid()));
        return pids;
    }

    @Override
    public void close() {
        supervisor.stop(new ArrayList<>(processes.values()));
        processes.clear();
        supervisor.deleteDir(workDir);
    }

    protected Optional<HttpResponse<String>> get(Endpoint e, String path) {
        return send(HttpRequest.newBuilder(URI.create(e.url() + path)).GET());
    }

    protected Optional<HttpResponse<String>> post(Endpoint e, String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(e.url() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private Optional<HttpResponse<String>> send(HttpRequest.Builder b) {
        return send(b, Duration.ofSeconds(3));
    }

    private Optional<HttpResponse<String>> send(HttpRequest.Builder b, Duration timeout) {
        try {
            return Optional.of(control.send(b.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Polls until {@code probe} yields a value; fails with the members' log tails otherwise. */
    protected <T> T await(String what, Duration timeout, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Map.Entry<String, Process> e : processes.entrySet()) {
                if (!e.getValue().isAlive()) {
                    throw new IllegalStateException(system() + " member " + e.getKey() + " exited with code "
                            + e.getValue().exitValue() + " while waiting for " + what + "\n" + logTails());
                }
            }
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            sleep(20);
        }
        throw new IllegalStateException(system() + ": timed out after " + timeout.toSeconds() + " s waiting for " + what
                + "\n" + logTails());
    }

    protected String logTails() {
        StringBuilder sb = new StringBuilder();
        for (String member : processes.keySet()) {
            sb.append("---- last lines of ").append(member).append(" log ----\n");
            try {
                List<String> lines = Files.readAllLines(logOf(member));
                lines.subList(Math.max(0, lines.size() - 25), lines.size()).forEach(l -> sb.append(l).append('\n'));
            } catch (IOException | RuntimeException e) {
                sb.append("(unreadable: ").append(e.getMessage()).append(")\n");
            }
        }
        return sb.toString();
    }

    @Override
    public Endpoint leader() {
        return await("a leader", Duration.ofSeconds(30), this::findLeader);
    }

    @Override
    public Endpoint follower() {
        Endpoint leader = leader();
        return endpoints.stream().filter(e -> !e.equals(leader)).findFirst().orElseThrow();
    }

    /** The member that is leader right now, if the cluster agrees on one. */
    protected abstract Optional<Endpoint> findLeader();

    /**
     * A loopback port below Linux's ephemeral range (32768 and up), handed out in sequence: a port
     * from {@code new ServerSocket(0)} could be given to an outgoing connection as its local port
     * before the server process binds it.
     */
    protected static int freePort() {
        for (int attempt = 0; attempt < PORT_HIGH - PORT_LOW; attempt++) {
            int port = PORT_LOW + Math.floorMod(NEXT_PORT.getAndIncrement() - PORT_LOW, PORT_HIGH - PORT_LOW);
            try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException inUse) {
                // taken: try the next one
            }
        }
        throw new IllegalStateException("no free loopback port in " + PORT_LOW + ".." + PORT_HIGH);
    }

    private static final int PORT_LOW = 20_000;
    private static final int PORT_HIGH = 32_000;
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT = new java.util.concurrent.atomic.AtomicInteger(
            PORT_LOW + java.util.concurrent.ThreadLocalRandom.current().nextInt(PORT_HIGH - PORT_LOW));

    protected static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    protected static String firstLineOf(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return out.lines().findFirst().orElse("?").trim();
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
