package dev.golt.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Three Golt nodes started the way a user starts one outside Kubernetes: {@code bin/golt-node --id ..
 * --address .. --http .. [--grpc ..] --peers .. --data ..}, with that launcher's default JVM settings
 * unless {@code GOLT_JVM_OPTS} replaces them. With {@code grpc}, each node also serves etcd's v3 gRPC
 * API on a port of its own ({@link #grpcEndpoints()}).
 */
public final class GoltCluster extends LocalCluster {

    private final Path jar;
    private final Path repoRoot;
    private final KvApi api = new GoltApi();
    private final boolean grpc;

    public GoltCluster(ProcessSupervisor supervisor, Path repoRoot) {
        this(supervisor, repoRoot, false);
    }

    /** @param grpc start every node with {@code --grpc} on a free loopback port */
    public GoltCluster(ProcessSupervisor supervisor, Path repoRoot, boolean grpc) {
        super(supervisor, "golt");
        this.repoRoot = repoRoot;
        this.jar = nodeJar(repoRoot);
        this.grpc = grpc;
    }

    /** The node's runnable jar, built by {@code ./mvnw -pl node/server -am package}. */
    public static Path nodeJar(Path repoRoot) {
        Path jar = repoRoot.resolve("node/server/target/quarkus-app/quarkus-run.jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Golt node jar not found at " + jar
                    + ": build it first with `./mvnw -pl node/server -am package -DskipTests` (bench/run.sh does this).");
        }
        return jar;
    }

    @Override
    public String system() {
        return "golt";
    }

    @Override
    public String version() {
        String commit = firstLineOf(List.of("git", "-C", repoRoot.toString(), "rev-parse", "--short", "HEAD"));
        if (!commit.matches("[0-9a-f]{4,40}")) {
            commit = "commit unknown";
        }
        String opts = jvmOptions().isEmpty() ? "bin/golt-node's default JVM options" : "GOLT_JVM_OPTS=" + jvmOptions();
        return "golt 0.1.0-SNAPSHOT (" + commit + ", Java " + Runtime.version() + ", " + opts + ")";
    }

    @Override
    public KvApi api() {
        return api;
    }

    @Override
    public void start() {
        List<Integer> raftPorts = new ArrayList<>();
        for (int i = 1; i <= MEMBERS; i++) {
            raftPorts.add(freePort());
            endpoints.add(new Endpoint("n" + i, "127.0.0.1", freePort()));
            if (grpc) {
                grpcEndpoints.put("n" + i, "127.0.0.1:" + freePort());
            }
        }
        String launcher = repoRoot.resolve("bin/golt-node").toAbsolutePath().normalize().toString();
        Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"), "GOLT_NODE_JAR", jar.toString());
        for (int i = 0; i < MEMBERS; i++) {
            String id = endpoints.get(i).memberId();
            List<String> peers = new ArrayList<>();
            for (int j = 0; j < MEMBERS; j++) {
                if (j != i) {
                    peers.add(endpoints.get(j).memberId() + "=127.0.0.1:" + raftPorts.get(j));
                }
            }
            List<String> cmd = new ArrayList<>(List.of(launcher,
                    "--id", id,
                    "--address", "127.0.0.1:" + raftPorts.get(i),
                    "--http", "127.0.0.1:" + endpoints.get(i).port(),
                    "--peers", String.join(",", peers),
                    "--data", workDir.resolve(id).toString()));
            if (grpc) {
                cmd.addAll(List.of("--grpc", grpcEndpoints.get(id)));
            }
            launch(id, cmd, env);
        }
        for (Endpoint e : endpoints) {
            await("golt " + e + " ready", Duration.ofSeconds(90), () -> get(e, "/q/health/ready")
                    .filter(r -> r.statusCode() == 200)
                    .map(r -> true));
        }
        await("a golt leader", Duration.ofSeconds(30), this::findLeader);
        awaitGrpcListening(Duration.ofSeconds(30));
    }

    /** What replaces the launcher's JVM defaults ({@code GOLT_JVM_OPTS}, e.g. to try heap or GC settings), or empty. */
    static String jvmOptions() {
        return System.getenv().getOrDefault("GOLT_JVM_OPTS", "").trim();
    }

    @Override
    protected Optional<Endpoint> findLeader() {
        for (Endpoint e : endpoints) {
            Optional<JsonObject> status = get(e, "/status")
                    .filter(r -> r.statusCode() == 200)
                    .map(r -> new JsonObject(r.body()));
            if (status.isPresent() && status.get().getBoolean("isLeader", false)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
