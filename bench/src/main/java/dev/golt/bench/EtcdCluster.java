package dev.golt.bench;

import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Three etcd members, on loopback, with etcd's defaults (fsync of the WAL on every commit batch):
 * Debian's {@code etcd-server} package on PATH (bookworm's 3.4), or a given binary (the etcd-API
 * benchmark passes trixie's 3.5 from {@code compat/fetch-etcd.sh}). Clients use the v3 JSON gateway
 * on the client port; the same port serves the v3 gRPC API ({@link #grpcEndpoints()}).
 */
public final class EtcdCluster extends LocalCluster {

    private static final String TOKEN = "golt-bench";

    private final String etcdBinary;
    private final KvApi api = new EtcdApi();

    public EtcdCluster(ProcessSupervisor supervisor, boolean installIfMissing) {
        super(supervisor, "etcd");
        this.etcdBinary = locateOrInstall(installIfMissing);
    }

    /** Members run {@code etcdBinary} (any etcd 3.4 or 3.5 server binary). */
    public EtcdCluster(ProcessSupervisor supervisor, java.nio.file.Path etcdBinary) {
        super(supervisor, "etcd");
        if (!java.nio.file.Files.isExecutable(etcdBinary)) {
            throw new IllegalStateException("no etcd binary at " + etcdBinary);
        }
        this.etcdBinary = etcdBinary.toAbsolutePath().toString();
    }

    /** The binary the members run. */
    public String binary() {
        return etcdBinary;
    }

    @Override
    public String system() {
        return "etcd";
    }

    @Override
    public String version() {
        return firstLineOf(List.of(etcdBinary, "--version")).replace("etcd Version:", "etcd").trim();
    }

    @Override
    public KvApi api() {
        return api;
    }

    @Override
    public void start() {
        List<String> names = new ArrayList<>();
        List<Integer> peerPorts = new ArrayList<>();
        StringBuilder initialCluster = new StringBuilder();
        for (int i = 1; i <= MEMBERS; i++) {
            String name = "e" + i;
            int peer = freePort();
            names.add(name);
            peerPorts.add(peer);
            endpoints.add(new Endpoint(name, "127.0.0.1", freePort()));
            grpcEndpoints.put(name, "127.0.0.1:" + endpoints.getLast().port());
            initialCluster.append(i > 1 ? "," : "").append(name).append("=http://127.0.0.1:").append(peer);
        }
        for (int i = 0; i < MEMBERS; i++) {
            String name = names.get(i);
            String client = "http://127.0.0.1:" + endpoints.get(i).port();
            String peer = "http://127.0.0.1:" + peerPorts.get(i);
            List<String> cmd = List.of(etcdBinary,
                    "--name", name,
                    "--data-dir", workDir.resolve(name + ".etcd").toString(),
                    "--listen-client-urls", client,
                    "--advertise-client-urls", client,
                    "--listen-peer-urls", peer,
                    "--initial-advertise-peer-urls", peer,
                    "--initial-cluster", initialCluster.toString(),
                    "--initial-cluster-token", TOKEN,
                    "--initial-cluster-state", "new",
                    "--logger", "zap",
                    "--log-level", "warn");
            launch(name, cmd, Map.of());
        }
        for (Endpoint e : endpoints) {
            await("etcd " + e + " healthy", Duration.ofSeconds(30), () -> get(e, "/health")
                    .filter(r -> r.statusCode() == 200 && r.body().contains("\"true\""))
                    .map(r -> true));
        }
        await("an etcd leader", Duration.ofSeconds(30), this::findLeader);
    }

    /** The member whose own id equals the leader id it reports (ids are uint64 strings in JSON). */
    @Override
    protected Optional<Endpoint> findLeader() {
        for (Endpoint e : endpoints) {
            Optional<JsonObject> status = post(e, "/v3/maintenance/status", "{}")
                    .filter(r -> r.statusCode() == 200)
                    .map(r -> new JsonObject(r.body()));
            if (status.isPresent()) {
                String self = status.get().getJsonObject("header", new JsonObject()).getString("member_id");
                String leader = status.get().getString("leader");
                if (self != null && self.equals(leader)) {
                    return Optional.of(e);
                }
            }
        }
        return Optional.empty();
    }

    private static String locateOrInstall(boolean installIfMissing) {
        Optional<String> found = onPath("etcd");
        if (found.isPresent()) {
            return found.get();
        }
        if (!installIfMissing) {
            throw new IllegalStateException("etcd is not installed: the benchmark compares Golt with etcd. "
                    + "Install it with `apt-get update && apt-get install -y etcd-server` (.ci/run does this).");
        }
        System.out.println("etcd not found: installing Debian's etcd-server package");
        run(List.of("apt-get", "update"));
        run(List.of("apt-get", "install", "-y", "etcd-server"));
        return onPath("etcd").orElseThrow(() -> new IllegalStateException("etcd-server installed but no etcd on PATH"));
    }

    private static void run(List<String> cmd) {
        try {
            int code = new ProcessBuilder(cmd).inheritIO().start().waitFor();
            if (code != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed with exit code " + code
                        + " (the install needs root and Debian's apt)");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static Optional<String> onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            File f = new File(dir, binary);
            if (f.isFile() && f.canExecute()) {
                return Optional.of(f.getAbsolutePath());
            }
        }
        return Optional.empty();
    }
}
