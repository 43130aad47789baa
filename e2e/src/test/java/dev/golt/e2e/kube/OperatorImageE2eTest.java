package dev.golt.e2e.kube;

import dev.golt.e2e.Await;
import dev.golt.e2e.images.ContainerEngine;
import dev.golt.e2e.images.ImageTars;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The golt-operator image ({@code images/target/images/golt-operator.tar}) as the chart runs it —
 * uid 10001, read-only root with a /tmp, no capabilities, a memory limit — against the real API
 * server of {@link KubeEnvironment}: it serves its health endpoints and reconciles a GoltCluster
 * to Ready. The container shares the host's network (the test control plane and the kubelet's pod
 * IPs live there) and reads the chart ServiceAccount's kubeconfig from a read-only mount.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorImageE2eTest {
    static ContainerEngine engine;
    static KubeEnvironment env;
    static int httpPort;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startTheOperatorImage() throws Exception {
        engine = ContainerEngine.find();
        String image = engine.load(ImageTars.of("golt-operator"));
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        env = KubeEnvironment.start("golt-image", true, (kubeconfig, namespace, dnsOptions, workDir) -> {
            // Mounted at the same paths, so the kubeconfig and the DNS options work unchanged; the
            // kubeconfig copy is readable by the image's user.
            Path mounts = Files.createDirectories(workDir.resolve("mounts"));
            Path config = Files.copy(kubeconfig, mounts.resolve("kubeconfig"));
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
            List<String> command = new ArrayList<>(engine.command("run", "--rm", "--name", engine.track("operator"),
                    "--network", "host", "--read-only", "--tmpfs", "/tmp", "--memory", "384m",
                    "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                    "-v", mounts + ":" + mounts + ":ro"));
            for (String option : dnsOptions) {
                if (option.startsWith("-Djdk.net.hosts.file=")) {
                    // The folder, not the file: the hosts file is replaced by a rename on every change.
                    Path hostsDir = Path.of(option.substring(option.indexOf('=') + 1)).getParent();
                    Files.setPosixFilePermissions(hostsDir, PosixFilePermissions.fromString("rwxr-xr-x"));
                    command.addAll(List.of("-v", hostsDir + ":" + hostsDir + ":ro"));
                }
            }
            command.addAll(List.of("-e", "KUBECONFIG=" + config, "-e", "WATCH_NAMESPACES=" + namespace,
                    "-e", "GOLT_OPERATOR_HTTP=127.0.0.1:" + httpPort,
                    "-e", "JAVA_TOOL_OPTIONS=" + String.join(" ", dnsOptions), image));
            ProcessBuilder pb = new ProcessBuilder(command);
            engine.configure(pb);
            return pb;
        });
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (env != null) {
                env.close();
            }
        } finally {
            if (engine != null) {
                engine.close();
            }
        }
    }

    @Test
    @Order(1)
    void theOperatorImageServesItsHealthEndpoints() {
        Await.until("operator /healthz", Duration.ofSeconds(60), () -> get("/healthz") == 200);
        Await.until("operator /readyz", Duration.ofSeconds(60), () -> get("/readyz") == 200);
        assertThat(Files.exists(env.operatorLog())).isTrue();
    }

    @Test
    @Order(2)
    void itReconcilesAGoltClusterToReady() throws Exception {
        try (ScenarioCluster c = ScenarioCluster.create(env, "img-ready", "img", 3, spec -> { })) {
            c.awaitReady(3);
            c.awaitMembership(3);
            assertThat(c.conditionTrue("Degraded")).isFalse();
        }
        String log = Files.readString(env.operatorLog());
        assertThat(log).doesNotContain("Read-only file system").doesNotContain("AccessDenied").doesNotContain("Exception in thread");
    }

    private static int get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
