// The cluster the compatibility tests talk to: three real etcd 3.5 members or three real Golt node
// processes on 127.0.0.1, chosen by -Dcompat.target=etcd|golt (default golt), each reached only
// through its etcd v3 gRPC endpoint. It stops every process it started, by PID, and deletes its
// temp dirs when closed, whether the tests passed or not.
package dev.golt.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

public final class EtcdEndpoints implements AutoCloseable {

    public enum Target { ETCD, GOLT }

    /** One cluster member: its name and the loopback port of its etcd v3 gRPC API. */
    public record Member(String name, int clientPort) {
        public String hostPort() {
            return "127.0.0.1:" + clientPort;
        }

        public String url() {
            return "http://" + hostPort();
        }
    }

    private static final int SIZE = 3;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration GRPC_LISTEN_TIMEOUT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static volatile Path etcdBin;

    private final Target target;
    private final String label;
    private final Path workDir;
    private final List<Member> members = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private final Thread shutdownHook;

    private EtcdEndpoints(Target target, String label) throws IOException {
        this.target = target;
        this.label = label;
        this.workDir = Files.createTempDirectory("golt-compat-" + target.name().toLowerCase(Locale.ROOT) + "-");
        // If the test JVM is stopped without closing us (a fork timeout, Ctrl-C), still stop the
        // processes this instance started, and only those.
        this.shutdownHook = new Thread(this::killProcesses, "compat-cleanup-" + label);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The target named by {@code compat.target}. */
    public static Target configuredTarget() {
        String t = System.getProperty("compat.target", "golt").trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "", "golt" -> Target.GOLT;
            case "etcd" -> Target.ETCD;
            default -> throw new IllegalArgumentException("compat.target must be etcd or golt, not '" + t + "'");
        };
    }

    /** Starts the configured cluster and waits until every member is ready; {@code label} names its logs. */
    public static EtcdEndpoints start(String label) throws IOException, InterruptedException {
        EtcdEndpoints cluster = new EtcdEndpoints(configuredTarget(), label);
        try {
            if (cluster.target == Target.ETCD) {
                cluster.startEtcd();
            } else {
                cluster.startGolt();
            }
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    public Target target() {
        return target;
    }

    public List<Member> members() {
        return List.copyOf(members);
    }

    /** {@code 127.0.0.1:p1,127.0.0.1:p2,...}, as etcdctl's {@code --endpoints} takes it. */
    public String endpointsFlag() {
        return members.stream().map(Member::hostPort).collect(Collectors.joining(","));
    }

    /** {@code http://127.0.0.1:p}, one per member, as jetcd and member lists spell them. */
    public List<String> urls() {
        return members.stream().map(Member::url).toList();
    }

    public Path workDir() {
        return workDir;
    }

    /** etcd 3.5's etcdctl, whichever cluster is under test. */
    public static Path etcdctl() {
        return etcdBin().resolve("etcdctl");
    }

    /**
     * The directory holding etcd 3.5's binaries: {@code compat.etcd.bin}, else {@code GOLT_ETCD_BIN},
     * else what {@code compat/fetch-etcd.sh} prints (it downloads them once into ~/.cache/golt).
     */
    public static Path etcdBin() {
        Path bin = etcdBin;
        if (bin != null) {
            return bin;
        }
        synchronized (EtcdEndpoints.class) {
            if (etcdBin == null) {
                String configured = System.getProperty("compat.etcd.bin", "");
                if (configured.isBlank()) {
                    configured = System.getenv().getOrDefault("GOLT_ETCD_BIN", "");
                }
                etcdBin = configured.isBlank() ? runFetchScript() : Path.of(configured.trim());
                if (!Files.isExecutable(etcdBin.resolve("etcdctl")) || !Files.isExecutable(etcdBin.resolve("etcd"))) {
                    throw new IllegalStateException("no etcd and etcdctl in " + etcdBin
                            + " (run compat/fetch-etcd.sh and pass the directory it prints as -Dcompat.etcd.bin)");
                }
            }
            return etcdBin;
        }
    }

    private static Path runFetchScript() {
        Path script = repoRoot().resolve("compat/fetch-etcd.sh");
        try {
            Path out = Files.createTempFile("fetch-etcd", ".out");
            try {
                Process p = new ProcessBuilder("bash", script.toString())
                        .redirectOutput(out.toFile())
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(script + " did not finish within 10 minutes");
                }
                List<String> lines = Files.readAllLines(out);
                if (p.exitValue() != 0 || lines.isEmpty()) {
                    throw new IllegalStateException(script + " failed with exit code " + p.exitValue());
                }
                return Path.of(lines.getLast().trim());
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
    }

    static Path repoRoot() {
        String root = System.getProperty("compat.repoRoot");
        if (root != null && !root.isBlank()) {
            return Path.of(root).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("compat/fetch-etcd.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root; set -Dcompat.repoRoot");
        }
        return dir;
    }

    // ---- etcd

    private void startEtcd() throws IOException, InterruptedException {
        Path etcd = etcdBin().resolve("etcd");
        List<Integer> peerPorts = new ArrayList<>();
        StringBuilder initialCluster = new StringBuilder();
        for (int i = 1; i <= SIZE; i++) {
            String name = "e" + i;
            int peer = Ports.free();
            peerPorts.add(peer);
            members.add(new Member(name, Ports.free()));
            initialCluster.append(i > 1 ? "," : "").append(name).append("=http://127.0.0.1:").append(peer);
        }
        for (int i = 0; i < SIZE; i++) {
            Member m = members.get(i);
            String peer = "http://127.0.0.1:" + peerPorts.get(i);
            launch(m.name(), List.of(etcd.toString(),
                    "--name", m.name(),
                    "--data-dir", workDir.resolve(m.name() + ".etcd").toString(),
                    "--listen-client-urls", m.url(),
                    "--advertise-client-urls", m.url(),
                    "--listen-peer-urls", peer,
                    "--initial-advertise-peer-urls", peer,
                    "--initial-cluster", initialCluster.toString(),
                    "--initial-cluster-token", "golt-compat-" + ProcessHandle.current().pid(),
                    "--initial-cluster-state", "new",
                    "--logger", "zap",
                    "--log-level", "warn"));
        }
        for (int i = 0; i < SIZE; i++) {
            // etcd's /health is true once the member knows a leader and has no alarm.
            awaitHttp(i, members.get(i).url() + "/health", body -> body.contains("\"health\":\"true\""));
        }
    }

    // ---- Golt

    private void startGolt() throws IOException, InterruptedException {
        Path root = repoRoot();
        Path jar = Path.of(System.getProperty("golt.node.jar",
                root.resolve("node/server/target/quarkus-app/quarkus-run.jar").toString()));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Golt node jar not found at " + jar
                    + ": build it with ./mvnw -pl node/server -am package -DskipTests");
        }
        Path jvmOptions = root.resolve("node/server/src/main/jvm/jvm.options");
        int[] raftPorts = new int[SIZE];
        int[] httpPorts = new int[SIZE];
        for (int i = 0; i < SIZE; i++) {
            raftPorts[i] = Ports.free();
            httpPorts[i] = Ports.free();
            members.add(new Member("n" + (i + 1), Ports.free()));
        }
        for (int i = 0; i < SIZE; i++) {
            String peers = "";
            for (int j = 0; j < SIZE; j++) {
                if (j != i) {
                    peers += (peers.isEmpty() ? "" : ",") + members.get(j).name() + "=127.0.0.1:" + raftPorts[j];
                }
            }
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            if (Files.isRegularFile(jvmOptions)) {
                // The node's own JVM settings, as bin/golt-node runs it.
                cmd.addAll(List.of("-XX:MaxRAM=356m", "@" + jvmOptions));
            }
            cmd.addAll(List.of("-jar", jar.toString(),
                    "--id", members.get(i).name(),
                    "--address", "127.0.0.1:" + raftPorts[i],
                    "--http", "127.0.0.1:" + httpPorts[i],
                    "--grpc", members.get(i).hostPort(),
                    "--peers", peers,
                    "--data", workDir.resolve(members.get(i).name()).toString()));
            launch(members.get(i).name(), cmd);
        }
        for (int i = 0; i < SIZE; i++) {
            awaitHttp(i, "http://127.0.0.1:" + httpPorts[i] + "/q/health/ready", body -> true);
        }
        // A ready node that does not listen on --grpc cannot pass a single test: say so once, here,
        // rather than in every test (jetcd would wait for the channel in each call).
        for (int i = 0; i < SIZE; i++) {
            awaitListening(i, GRPC_LISTEN_TIMEOUT);
        }
    }

    private void awaitListening(int index, Duration timeout) throws InterruptedException {
        Member m = members.get(index);
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), m.clientPort()), 1000);
                return;
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(m.name() + " is ready but nothing listens on its etcd API port --grpc "
                + m.hostPort() + " after " + timeout + " (" + last + "); its log:\n" + tail(logs.get(index)));
    }

    // ---- processes

    private void launch(String name, List<String> cmd) throws IOException {
        Path log = workDir.resolve(name + ".log");
        logs.add(log);
        Files.writeString(log, String.join(" ", cmd) + "\n");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        synchronized (processes) {
            processes.add(pb.start());
        }
    }

    private interface BodyCheck {
        boolean ok(String body);
    }

    private void awaitHttp(int index, String url, BodyCheck check) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            Process p = processes.get(index);
            if (!p.isAlive()) {
                throw new IllegalStateException(members.get(index).name() + " exited with code " + p.exitValue()
                        + " while starting; its log:\n" + tail(logs.get(index)));
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && check.ok(r.body())) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(members.get(index).name() + " not ready within " + START_TIMEOUT + " (" + url
                + ": " + last + "); its log:\n" + tail(logs.get(index)));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private void killProcesses() {
        List<Process> mine;
        synchronized (processes) {
            mine = List.copyOf(processes);
        }
        for (Process p : mine) {
            p.destroy();
        }
        for (Process p : mine) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops every member this instance started, keeps their logs in {@code compat.logDir}, deletes the data. */
    @Override
    public void close() {
        killProcesses();
        String logDir = System.getProperty("compat.logDir");
        if (logDir != null && !logDir.isBlank()) {
            try {
                Path dir = Path.of(logDir, target.name().toLowerCase(Locale.ROOT) + "-" + label);
                Files.createDirectories(dir);
                for (Path log : logs) {
                    if (Files.exists(log)) {
                        Files.copy(log, dir.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            } catch (IOException e) {
                System.err.println("cannot keep the logs of " + workDir + ": " + e);
            }
        }
        deleteRecursively(workDir);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("cannot delete " + dir + ": " + e);
        }
    }

    /**
     * Loopback ports below Linux's ephemeral range (32768 and up), handed out in sequence from a
     * random start: a port from {@code new ServerSocket(0)} could be given to some outgoing
     * connection's local end before the server binds it.
     */
    static final class Ports {
        private static final int LOW = 20_000;
        private static final int HIGH = 32_000;
        private static final AtomicInteger NEXT = new AtomicInteger(LOW + ThreadLocalRandom.current().nextInt(HIGH - LOW));

        private Ports() {}

        static int free() {
            for (int attempt = 0; attempt < HIGH - LOW; attempt++) {
                int port = LOW + Math.floorMod(NEXT.getAndIncrement() - LOW, HIGH - LOW);
                try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                    return s.getLocalPort();
                } catch (IOException inUse) {
                    // taken: try the next one
                }
            }
            throw new IllegalStateException("no free loopback port in " + LOW + ".." + HIGH);
        }
    }
}
