package dev.golt.e2e.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A real Kubernetes control plane on loopback: etcd (or Golt, see {@link Store}), kube-apiserver,
 * kube-controller-manager and kube-scheduler as processes, from the binaries {@link KubeBinaries} finds or builds. The API
 * server runs as a production cluster's does — {@code --authorization-mode=Node,RBAC}, the
 * default admission plugins plus {@code NodeRestriction} and
 * {@code OwnerReferencesPermissionEnforcement} ({@code PodSecurity} is on by default), service
 * account tokens signed with a key made here — and serves TLS with the certificate it generates
 * itself in {@code --cert-dir}, which the kubeconfigs written here trust.
 *
 * <p>Identities come from a static token file: {@code admin} (group {@code system:masters}; the
 * tests and the controller manager, which runs with {@code --use-service-account-credentials=false}),
 * {@code system:kube-scheduler} (bound by the default RBAC policy), and one {@code system:node:<name>}
 * in {@code system:nodes} per test kubelet, so the Node authorizer and NodeRestriction judge it as
 * they judge a real kubelet. The operator gets a service-account token from the TokenRequest API.
 *
 * <p>{@link #close()} stops every process it started (SIGTERM, then SIGKILL) and deletes its folder.
 */
public final class ControlPlane implements AutoCloseable {
    public static final String ADMIN = "admin";
    private static final Duration START_BOUND = Duration.ofSeconds(Long.getLong("golt.e2e.controlPlaneStartSeconds", 180));
    private static final AtomicInteger NEXT_PORT = new AtomicInteger(20_000 + ThreadLocalRandom.current().nextInt(12_000));

    private final Path dir;
    private final Path binaries;
    private final String version;
    private final Store store;
    private final List<Process> processes = new ArrayList<>();
    private final Thread killOnExit = new Thread(this::killAll);
    private final int apiPort;
    private final List<String> tokenLines = new ArrayList<>();
    private final String adminToken = token();
    private Path caFile;

    private ControlPlane(Path dir, Path binaries, String version, Store store) {
        this.dir = dir;
        this.binaries = binaries;
        this.version = version;
        this.store = store;
        this.apiPort = freePort();
    }

    /**
     * What kube-apiserver stores its objects in: etcd, or a Golt cluster speaking etcd's API. The
     * default comes from {@code golt.e2e.store} ({@code etcd} unless set), so every e2e scenario can
     * run on either.
     */
    public enum Store {
        ETCD, GOLT;

        static Store configured() {
            return valueOf(System.getProperty("golt.e2e.store", "etcd").toUpperCase(java.util.Locale.ROOT));
        }
    }

    /**
     * Starts the control plane in {@code dir}, with one kubelet identity per name in {@code nodes}.
     */
    public static ControlPlane start(Path dir, List<String> nodes) throws Exception {
        return start(dir, nodes, Store.configured());
    }

    public static ControlPlane start(Path dir, List<String> nodes, Store store) throws Exception {
        KubeBinaries bins = KubeBinaries.find();
        ControlPlane cp = new ControlPlane(Files.createDirectories(dir), bins.dir(), bins.version(), store);
        Runtime.getRuntime().addShutdownHook(cp.killOnExit);
        try {
            cp.tokenLines.add(cp.adminToken + ",admin,admin,system:masters");
            cp.tokenLines.add(cp.userToken("system:kube-scheduler") + ",system:kube-scheduler,system:kube-scheduler");
            for (String node : nodes) {
                cp.tokenLines.add(cp.userToken("system:node:" + node) + ",system:node:" + node + ",system:node:" + node
                        + ",system:nodes");
            }
            cp.startAll();
            return cp;
        } catch (Exception | Error e) {
            cp.close();
            throw e;
        }
    }

    private final java.util.Map<String, String> tokenByUser = new java.util.HashMap<>();

    private String userToken(String user) {
        return tokenByUser.computeIfAbsent(user, u -> token());
    }

    private void startAll() throws Exception {
        writeServiceAccountKeys();
        Files.write(dir.resolve("tokens.csv"), tokenLines);
        String etcdServers;
        if (store == Store.GOLT) {
            etcdServers = GoltStore.start(dir.resolve("golt-store"), (name, command) -> {
                try {
                    return start(name, command.toArray(String[]::new));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).etcdServers();
        } else {
            int etcdPort = freePort();
            start("etcd", binaries.resolve("etcd").toString(),
                    "--data-dir", dir.resolve("etcd").toString(),
                    "--listen-client-urls", "http://127.0.0.1:" + etcdPort,
                    "--advertise-client-urls", "http://127.0.0.1:" + etcdPort,
                    "--listen-peer-urls", "http://127.0.0.1:" + freePort(),
                    "--unsafe-no-fsync", "--quota-backend-bytes", String.valueOf(4L << 30), "--log-level", "warn");
            etcdServers = "http://127.0.0.1:" + etcdPort;
        }
        Path certs = Files.createDirectories(dir.resolve("apiserver-certs"));
        // Every request made with a service-account token (the operator's) goes to the audit log, so
        // tests can compare what the operator did with what its RBAC grants; the tests' own writes too.
        Files.writeString(dir.resolve("audit-policy.yaml"), """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                omitStages: ["RequestReceived", "ResponseStarted"]
                rules:
                - level: Metadata
                  userGroups: ["system:serviceaccounts"]
                - level: Metadata
                  users: ["admin"]
                  verbs: ["create", "update", "patch", "delete"]
                - level: None
                """);
        start("kube-apiserver", binaries.resolve("kube-apiserver").toString(),
                "--etcd-servers", etcdServers,
                "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1",
                "--secure-port", String.valueOf(apiPort), "--cert-dir", certs.toString(),
                "--token-auth-file", dir.resolve("tokens.csv").toString(),
                "--authorization-mode", "Node,RBAC",
                "--enable-admission-plugins", "NodeRestriction,OwnerReferencesPermissionEnforcement,PodSecurity",
                "--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
                "--service-account-key-file", dir.resolve("sa.pub").toString(),
                "--service-account-signing-key-file", dir.resolve("sa.key").toString(),
                "--service-cluster-ip-range", "10.96.0.0/16",
                // The kubernetes Service cannot point at a loopback address; pods here reach the API server directly.
                "--endpoint-reconciler-type", "none",
                "--audit-policy-file", dir.resolve("audit-policy.yaml").toString(),
                "--audit-log-path", auditLog().toString(), "--audit-log-maxbackup", "0",
                "--allow-privileged=false", "--profiling=false", "--v=0");
        awaitApiServer(certs.resolve("apiserver.crt"));
        caFile = certs.resolve("apiserver.crt");
        Path admin = writeKubeconfig("admin", adminToken);
        Path scheduler = writeKubeconfig("kube-scheduler", tokenByUser.get("system:kube-scheduler"));
        start("kube-controller-manager", binaries.resolve("kube-controller-manager").toString(),
                "--kubeconfig", admin.toString(),
                "--authentication-kubeconfig", admin.toString(), "--authorization-kubeconfig", admin.toString(),
                "--bind-address", "127.0.0.1", "--secure-port", String.valueOf(freePort()),
                "--leader-elect=false", "--use-service-account-credentials=false",
                "--service-account-private-key-file", dir.resolve("sa.key").toString(),
                "--root-ca-file", caFile.toString(),
                "--controllers", "*", "--profiling=false", "--v=0");
        start("kube-scheduler", binaries.resolve("kube-scheduler").toString(),
                "--kubeconfig", scheduler.toString(),
                "--authentication-kubeconfig", scheduler.toString(), "--authorization-kubeconfig", scheduler.toString(),
                "--bind-address", "127.0.0.1", "--secure-port", String.valueOf(freePort()),
                "--leader-elect=false", "--profiling=false", "--v=0");
    }

    public String version() {
        return version;
    }

    public Path binaries() {
        return binaries;
    }

    /** The API server's audit log: one JSON event per line for every service-account request. */
    public Path auditLog() {
        return dir.resolve("logs").resolve("audit.log");
    }

    public String apiServerUrl() {
        return "https://127.0.0.1:" + apiPort;
    }

    public Path caFile() {
        return caFile;
    }

    /** A kubeconfig for the cluster administrator (group {@code system:masters}). */
    public Path adminKubeconfig() {
        return dir.resolve("admin.kubeconfig");
    }

    public KubernetesClient adminClient() {
        return client(adminToken);
    }

    /** A client acting as the kubelet of node {@code node} ({@code system:node:<node>}). */
    public KubernetesClient nodeClient(String node) {
        String token = tokenByUser.get("system:node:" + node);
        if (token == null) {
            throw new IllegalArgumentException("no kubelet identity for node " + node);
        }
        return client(token);
    }

    public KubernetesClient client(String token) {
        try {
            return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig(token, null))).build();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Writes a kubeconfig file {@code <name>.kubeconfig} authenticating with {@code token}. */
    public Path writeKubeconfig(String name, String token) throws IOException {
        return writeKubeconfig(name, token, null);
    }

    public Path writeKubeconfig(String name, String token, String namespace) throws IOException {
        Path file = dir.resolve(name + ".kubeconfig");
        Files.writeString(file, kubeconfig(token, namespace));
        return file;
    }

    private String kubeconfig(String token, String namespace) throws IOException {
        String ca = Base64.getEncoder().encodeToString(Files.readAllBytes(caFile));
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: golt-e2e
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: user
                  user:
                    token: %s
                contexts:
                - name: golt-e2e
                  context:
                    cluster: golt-e2e
                    user: user%s
                current-context: golt-e2e
                """.formatted(apiServerUrl(), ca, token, namespace == null ? "" : "\n    namespace: " + namespace);
    }

    private void awaitApiServer(Path cert) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(trustAll()).connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_BOUND.toNanos();
        String last = "not started";
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a control-plane process exited (" + p.info().command().orElse("?")
                            + "): see " + dir.resolve("logs"));
                }
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(apiServerUrl() + "/readyz"))
                        .header("Authorization", "Bearer " + adminToken).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && Files.exists(cert)) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("kube-apiserver not ready after " + START_BOUND + ": " + last);
    }

    /** Only used to poll /readyz before the serving certificate is known. */
    private static SSLContext trustAll() throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[]{new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        return ssl;
    }

    private void writeServiceAccountKeys() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair pair = gen.generateKeyPair();
        Files.writeString(dir.resolve("sa.key"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Files.writeString(dir.resolve("sa.pub"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private Process start(String name, String... command) throws IOException {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile()).start();
        processes.add(p);
        return p;
    }

    /** The last lines of a component's log, for failure messages. */
    public String logTail(String component, int lines) {
        try {
            List<String> all = Files.readAllLines(dir.resolve("logs").resolve(component + ".log"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String token() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** A loopback port below Linux's ephemeral range, so no outgoing connection can take it before the server binds. */
    static int freePort() {
        for (int attempt = 0; attempt < 12_000; attempt++) {
            int port = 20_000 + Math.floorMod(NEXT_PORT.getAndIncrement() - 20_000, 12_000);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException inUse) {
                // taken: try the next one
            }
        }
        throw new IllegalStateException("no free loopback port");
    }

    private void killAll() {
        processes.forEach(Process::destroyForcibly);
    }

    @Override
    public void close() throws Exception {
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException exiting) {
            // the hook runs anyway
        }
        for (Process p : processes.reversed()) {
            p.destroy();
        }
        for (Process p : processes.reversed()) {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
        if (!Boolean.getBoolean("golt.e2e.keepWork")) {
            deleteTree(dir);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
