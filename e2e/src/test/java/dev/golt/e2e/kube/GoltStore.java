package dev.golt.e2e.kube;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * A 3-node Golt cluster serving etcd's v3 API, as the store of a Kubernetes control plane in place
 * of etcd: real node processes from the packaged jar on loopback, each with its own data folder,
 * started by {@link ControlPlane} (which stops them with its other processes). Like the etcd it
 * replaces there, it runs without fsync ({@code golt.wal.fsync=false}, etcd's
 * {@code --unsafe-no-fsync}): the tests measure behaviour, not durability.
 */
final class GoltStore {

    static final int SIZE = 3;

    private final List<String> grpcEndpoints = new ArrayList<>();
    private final List<Integer> httpPorts = new ArrayList<>();

    /** Starts the nodes through {@code start(name, command)} (the control plane's process starter). */
    static GoltStore start(Path dir, BiFunction<String, List<String>, Process> start) throws Exception {
        Path jar = KubeEnvironment.projectRoot().resolve("node/server/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("no " + jar + ": build the node first (./mvnw -pl node/server -am package)");
        }
        GoltStore store = new GoltStore();
        List<int[]> ports = new ArrayList<>();
        for (int i = 1; i <= SIZE; i++) {
            ports.add(new int[] {ControlPlane.freePort(), ControlPlane.freePort(), ControlPlane.freePort()});
        }
        for (int i = 1; i <= SIZE; i++) {
            int self = i;
            String peers = java.util.stream.IntStream.rangeClosed(1, SIZE).filter(j -> j != self)
                    .mapToObj(j -> "s" + j + "=127.0.0.1:" + ports.get(j - 1)[0]).collect(Collectors.joining(","));
            int[] p = ports.get(i - 1);
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+UseSerialGC", "-Dgolt.wal.fsync=false",
                    "-jar", jar.toString(),
                    "--id", "s" + i, "--address", "127.0.0.1:" + p[0], "--http", "127.0.0.1:" + p[1],
                    "--grpc", "127.0.0.1:" + p[2], "--peers", peers,
                    "--data", Files.createDirectories(dir.resolve("s" + i)).toString());
            start.apply("golt-s" + i, command);
            store.grpcEndpoints.add("http://127.0.0.1:" + p[2]);
            store.httpPorts.add(p[1]);
        }
        store.awaitReady(Duration.ofSeconds(120));
        return store;
    }

    /** {@code --etcd-servers} for kube-apiserver. */
    String etcdServers() {
        return String.join(",", grpcEndpoints);
    }

    private void awaitReady(Duration bound) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + bound.toNanos();
        for (int port : httpPorts) {
            while (true) {
                try {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    // starting
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Golt store node on HTTP port " + port + " not ready after " + bound);
                }
                Thread.sleep(200);
            }
        }
    }
}
