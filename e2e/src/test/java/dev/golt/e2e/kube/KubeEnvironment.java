package dev.golt.e2e.kube;

import dev.golt.e2e.Await;
import dev.golt.e2e.E2eEnvironment;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The e2e environment on a real Kubernetes control plane ({@link ControlPlane}: etcd,
 * kube-apiserver, kube-controller-manager, kube-scheduler) with the {@link TestKubelet} running
 * pods as real node processes, the {@link FolderProvisioner} for volumes and the {@link ClusterDns}
 * hosts file. The operator runs as its own process, as in production: with the token of the
 * chart's ServiceAccount, whose RBAC objects are applied as Helm renders the chart, so every
 * scenario also proves the chart's RBAC is enough. Real: everything Kubernetes does (API server
 * validation and admission, RBAC, StatefulSet controller, scheduler, garbage collector, disruption
 * controller, PV binding, EndpointSlices). The test kubelet's: containers are host processes,
 * volumes are folders, DNS is a hosts file, Service ClusterIPs are not routed.
 */
public final class KubeEnvironment implements E2eEnvironment {
    public static final String NODE = "golt-e2e-node";
    public static final String OPERATOR_NAMESPACE = "golt-system";
    public static final String CLUSTER_DOMAIN = "cluster.local";
    private static final int NODE_HTTP_PORT = 8000;

    private final Path workDir;
    private final ControlPlane controlPlane;
    private final KubernetesClient client;
    private final List<AutoCloseable> parts;
    private final TestKubelet kubelet;
    private volatile OperatorProcess operator;
    private final String namespace;
    private final String operatorUser;

    private KubeEnvironment(Path workDir, ControlPlane controlPlane, KubernetesClient client, List<AutoCloseable> parts,
                            TestKubelet kubelet, OperatorProcess operator, String namespace, String operatorUser) {
        this.workDir = workDir;
        this.controlPlane = controlPlane;
        this.client = client;
        this.parts = parts;
        this.kubelet = kubelet;
        this.operator = operator;
        this.namespace = namespace;
        this.operatorUser = operatorUser;
    }

    /** Starts everything; the operator watches {@code namespace}, which is created here. */
    public static KubeEnvironment start(String namespace) throws Exception {
        return start(namespace, false);
    }

    /**
     * Starts everything, with the operator watching {@code namespace} (created here), or every
     * namespace when {@code watchAll} (the chart's cluster-wide RBAC then).
     */
    public static KubeEnvironment start(String namespace, boolean watchAll) throws Exception {
        return start(namespace, watchAll, OperatorProcess.fromJar(projectRoot()));
    }

    static Path projectRoot() {
        return Path.of(System.getProperty("golt.e2e.root", "..")).toAbsolutePath().normalize();
    }

    /** As {@link #start(String, boolean)}, with the operator started by {@code launcher}. */
    static KubeEnvironment start(String namespace, boolean watchAll, OperatorProcess.Launcher launcher) throws Exception {
        return start(namespace, watchAll, launcher, ControlPlane.Store.configured());
    }

    /** As {@link #start(String)}, on a control plane that keeps its objects in {@code store}. */
    public static KubeEnvironment start(String namespace, ControlPlane.Store store) throws Exception {
        return start(namespace, false, OperatorProcess.fromJar(projectRoot()), store);
    }

    static KubeEnvironment start(String namespace, boolean watchAll, OperatorProcess.Launcher launcher,
            ControlPlane.Store store) throws Exception {
        Path root = projectRoot();
        Path nodeJar = root.resolve("node/server/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(nodeJar)) {
            throw new IllegalStateException("no " + nodeJar + ": build the node first (./mvnw -pl node/server -am package)");
        }
        Path base = Files.createDirectories(Path.of(System.getProperty("golt.e2e.workDir", "target/e2e-work")));
        Path workDir = Files.createTempDirectory(base.toAbsolutePath(), "kube");
        // A private copy: a rebuild of the module during the run must not change jars under running JVMs.
        Path nodeApp = copyTree(nodeJar.getParent(), workDir.resolve("node-app"));

        List<AutoCloseable> parts = new ArrayList<>();
        ControlPlane cp = ControlPlane.start(workDir.resolve("control-plane"), List.of(NODE), store);
        KubernetesClient admin = null;
        try {
            admin = cp.adminClient();
            applyCrds(admin, root);
            parts.add(new FolderProvisioner(admin, workDir.resolve("volumes")));
            Path hosts = workDir.resolve("hosts");
            List<String> entrypoint = new ArrayList<>();
            entrypoint.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            entrypoint.addAll(ClusterDns.javaOptions(hosts));
            entrypoint.addAll(List.of("-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-jar", nodeApp.resolve("quarkus-run.jar").toString()));
            TestKubelet kubelet = new TestKubelet(cp.nodeClient(NODE), NODE, workDir.resolve("kubelet"), entrypoint);
            parts.add(kubelet);
            ClusterDns dns = new ClusterDns(admin, hosts, CLUSTER_DOMAIN, !kubelet.podIpsPublishable());
            parts.add(dns);
            createNamespace(admin, namespace, Map.of());
            OperatorIdentity identity = installOperatorIdentity(admin, cp, root, watchAll ? null : namespace);
            OperatorProcess operator = OperatorProcess.start(launcher, identity.kubeconfig(), watchAll ? "" : namespace,
                    dns.javaOptions(), Files.createDirectories(workDir.resolve("operator")));
            return new KubeEnvironment(workDir, cp, admin, parts, kubelet, operator, namespace, identity.user());
        } catch (Exception | Error e) {
            for (AutoCloseable part : parts.reversed()) {
                part.close();
            }
            if (admin != null) {
                admin.close();
            }
            cp.close();
            throw e;
        }
    }

    private static void applyCrds(KubernetesClient admin, Path root) throws IOException {
        try (var files = Files.list(root.resolve("crds"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList()) {
                CustomResourceDefinition crd = admin.apiextensions().v1().customResourceDefinitions().load(file.toFile()).item();
                admin.resource(crd).serverSideApply();
                Await.until("CRD " + crd.getMetadata().getName() + " established", Duration.ofSeconds(60), () -> {
                    var c = admin.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName()).get();
                    return c.getStatus() != null && c.getStatus().getConditions().stream()
                            .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus()));
                });
            }
        }
    }

    public static void createNamespace(KubernetesClient admin, String name, Map<String, String> labels) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels)
                .endMetadata().build()).serverSideApply();
    }

    /**
     * Applies the ServiceAccount and RBAC objects of {@code charts/golt-operator} as Helm renders
     * them for an operator watching {@code namespace}, and writes a kubeconfig with a token of that
     * ServiceAccount (TokenRequest API), as a pod of the chart's Deployment would have. A null
     * {@code namespace}: the operator watches all namespaces.
     */
    private record OperatorIdentity(Path kubeconfig, String user) {
    }

    private static OperatorIdentity installOperatorIdentity(KubernetesClient admin, ControlPlane cp, Path root, String namespace)
            throws IOException, InterruptedException {
        createNamespace(admin, OPERATOR_NAMESPACE, Map.of());
        Path values = null;
        if (namespace != null) {
            values = Files.createTempFile(cp.caFile().getParent(), "values", ".yaml");
            Files.writeString(values, "watchNamespaces: [" + namespace + "]\n");
        }
        String rendered = ChartTemplate.render(root.resolve("charts/golt-operator"), "golt-operator", OPERATOR_NAMESPACE,
                cp.version(), values);
        Set<String> identityKinds = Set.of("ServiceAccount", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding");
        String serviceAccount = null;
        for (HasMetadata item : admin.load(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8))).items()) {
            if (!identityKinds.contains(item.getKind())) {
                continue;
            }
            if (item.getMetadata().getNamespace() == null && !item.getKind().startsWith("Cluster")) {
                item.getMetadata().setNamespace(OPERATOR_NAMESPACE);
            }
            admin.resource(item).serverSideApply();
            if (item instanceof ServiceAccount) {
                serviceAccount = item.getMetadata().getName();
            }
        }
        if (serviceAccount == null) {
            throw new IllegalStateException("the chart rendered no ServiceAccount");
        }
        String token = admin.serviceAccounts().inNamespace(OPERATOR_NAMESPACE).withName(serviceAccount)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(24 * 3600L).endSpec().build())
                .getStatus().getToken();
        return new OperatorIdentity(cp.writeKubeconfig("operator", token, OPERATOR_NAMESPACE),
                "system:serviceaccount:" + OPERATOR_NAMESPACE + ":" + serviceAccount);
    }

    static Path copyTree(Path from, Path to) throws IOException {
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

    /** The user name the operator's requests carry (its ServiceAccount). */
    public String operatorUser() {
        return operatorUser;
    }

    public ControlPlane controlPlane() {
        return controlPlane;
    }

    public TestKubelet kubelet() {
        return kubelet;
    }

    public Path workDir() {
        return workDir;
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
        return "golt/golt-node:e2e";
    }

    @Override
    public URI nodeUri(String pod) {
        return nodeUri(namespace, pod);
    }

    /** Base URI of the node HTTP API of a pod in any namespace. */
    public URI nodeUri(String namespace, String pod) {
        Pod p = client.pods().inNamespace(namespace).withName(pod).get();
        String ip = p == null || p.getStatus() == null ? null : p.getStatus().getPodIP();
        if (ip == null) {
            throw new IllegalStateException("pod " + pod + " has no IP");
        }
        return URI.create("http://" + (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + NODE_HTTP_PORT);
    }

    @Override
    public void killContainer(String pod) {
        killContainer(namespace, pod);
    }

    /** SIGKILL to the container process of a pod in any namespace; the kubelet restarts it. */
    public void killContainer(String namespace, String pod) {
        kubelet.process(namespace, pod).orElseThrow(() -> new IllegalStateException("pod " + pod + " runs no process"))
                .destroyForcibly();
    }

    /**
     * Restarts the operator process: stopped as a pod deletion stops it, then started again with the
     * same arguments, so it must carry on from what it finds in the cluster.
     */
    public void restartOperator() throws IOException, InterruptedException {
        operator = operator.restart();
    }

    /** The operator's log so far. */
    public Path operatorLog() {
        return operator.log();
    }

    @Override
    public int runningNodeProcesses() {
        return kubelet.activeProcesses();
    }

    @Override
    public String diagnostics(List<String> pods) {
        return diagnostics(namespace, pods);
    }

    /** Diagnostics of pods in any namespace, plus the operator's and controller manager's logs. */
    public String diagnostics(String namespace, List<String> pods) {
        StringBuilder out = new StringBuilder();
        for (String pod : pods) {
            out.append(tail("pod " + pod, kubelet.log(namespace, pod)));
        }
        out.append(tail("operator", operator.log()));
        out.append("---- kube-controller-manager (last 20 lines) ----\n").append(controlPlane.logTail("kube-controller-manager", 20)).append('\n');
        return out.toString();
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
            for (AutoCloseable part : parts.reversed()) {
                part.close();
            }
            client.close();
        } finally {
            controlPlane.close();
            if (!Boolean.getBoolean("golt.e2e.keepWork")) {
                ControlPlane.deleteTree(workDir);
            }
        }
    }
}
