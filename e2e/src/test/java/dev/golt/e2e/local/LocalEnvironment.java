package dev.golt.e2e.local;

import dev.golt.e2e.E2eEnvironment;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * The local e2e mode: fabric8's mock API server in CRUD mode with the GoltCluster CRD from
 * {@code crds/}, the {@link PodRunner} running real node processes from
 * {@code node/server/target/quarkus-app/quarkus-run.jar}, and the operator jar as its own process.
 * Everything lives under one work folder that {@link #close()} removes.
 */
public final class LocalEnvironment implements E2eEnvironment {
    private static final int NODE_HTTP_PORT = 8000;
    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Path workDir;
    private final PodRunner runner;
    private final OperatorProcess operator;
    private final String namespace;

    private LocalEnvironment(KubernetesMockServer server, KubernetesClient client, Path workDir, PodRunner runner,
                             OperatorProcess operator, String namespace) {
        this.server = server;
        this.client = client;
        this.workDir = workDir;
        this.runner = runner;
        this.operator = operator;
        this.namespace = namespace;
    }

    public static LocalEnvironment start(String namespace) throws Exception {
        quietMockServer();
        Path root = Path.of(System.getProperty("golt.e2e.root", "..")).toAbsolutePath().normalize();
        Path nodeJar = root.resolve("node/server/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(nodeJar)) {
            throw new IllegalStateException("no " + nodeJar + ": build the node first (./mvnw -pl node/server -am package)");
        }
        Path operatorJar = OperatorProcess.jar(root);
        Path base = Path.of(System.getProperty("golt.e2e.workDir", "target/e2e-work"));
        Files.createDirectories(base);
        Path workDir = Files.createTempDirectory(base.toAbsolutePath(), "local");
        // Run private copies: a rebuild of the module during the run must not change jars under running JVMs.
        Path nodeApp = copyTree(nodeJar.getParent(), workDir.resolve("node-app"));
        Path operatorApp = Files.createDirectories(workDir.resolve("operator-app"));
        copyTree(operatorJar.resolveSibling("lib"), operatorApp.resolve("lib"));
        operatorJar = Files.copy(operatorJar, operatorApp.resolve(operatorJar.getFileName()));

        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of()), false);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        KubernetesClient client = server.createClient();
        for (Path crd : crdFiles(root)) {
            client.apiextensions().v1().customResourceDefinitions().load(crd.toFile()).create();
        }
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();

        PodRunner runner = new PodRunner(client, workDir.resolve("cluster"),
                List.of("-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", nodeApp.resolve("quarkus-run.jar").toString())).start();
        OperatorProcess operator = OperatorProcess.start(operatorJar, "http://127.0.0.1:" + server.getPort(), namespace,
                runner.javaDnsOptions(), Files.createDirectories(workDir.resolve("operator")));
        return new LocalEnvironment(server, client, workDir, runner, operator, namespace);
    }

    /** Held so that the level set below is not lost when the logger is garbage-collected. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    /** The mock server logs every request at INFO; the runner polls several times a second. */
    static void quietMockServer() {
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private static Path copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }

    private static List<Path> crdFiles(Path root) throws IOException {
        try (var files = Files.list(root.resolve("crds"))) {
            List<Path> crds = files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
            if (crds.isEmpty()) {
                throw new IllegalStateException("no CRD in " + root.resolve("crds"));
            }
            return crds;
        }
    }

    @Override
    public KubernetesClient client() {
        return client;
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public String nodeImage() {
        return "golt/golt-node:e2e-local";
    }

    @Override
    public URI nodeUri(String pod) {
        return URI.create("http://" + runner.podIp(namespace, pod)
                .orElseThrow(() -> new IllegalStateException("pod " + pod + " has no IP")) + ":" + NODE_HTTP_PORT);
    }

    @Override
    public void killContainer(String pod) {
        runner.process(namespace, pod).orElseThrow(() -> new IllegalStateException("pod " + pod + " runs no process"))
                .destroyForcibly();
    }

    @Override
    public int runningNodeProcesses() {
        return runner.activeProcesses();
    }

    Path workDir() {
        return workDir;
    }

    /** The last lines of a pod's or the operator's output, for failure messages. */
    @Override
    public String diagnostics(List<String> pods) {
        StringBuilder out = new StringBuilder();
        for (String pod : pods) {
            out.append(tail("pod " + pod, runner.log(namespace, pod)));
        }
        return out.append(tail("operator", operator.log())).toString();
    }

    private static String tail(String what, Path log) {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return "---- " + what + " (last 40 lines) ----\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())) + "\n";
        } catch (IOException e) {
            return "---- " + what + ": " + e + "\n";
        }
    }

    @Override
    public void close() throws Exception {
        try {
            operator.close();
            runner.close();
        } finally {
            client.close();
            server.destroy();
            if (!Boolean.getBoolean("golt.e2e.keepWork")) {
                PodRunner.deleteTree(workDir);
            }
        }
    }
}
