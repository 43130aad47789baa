package dev.golt.e2e.k3s;

import com.marcnuri.helm.Helm;
import dev.golt.e2e.E2eEnvironment;
import dev.golt.e2e.images.ImageTars;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.LocalPortForward;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The k3s e2e mode: hands the node and operator images that the images module built (Jib
 * tarballs in {@code images/target/images}) to k3s through its image auto-import folder, starts
 * k3s with Testcontainers, installs {@code charts/golt-operator} with helm-java
 * (images never pulled), and reaches pods through port-forwards.
 */
public final class K3sEnvironment implements E2eEnvironment {
    static final String K3S_IMAGE = System.getProperty("e2e.k3s.image", "rancher/k3s:v1.31.4-k3s1");
    private final String tag;
    private static final String OPERATOR_NAMESPACE = "golt-system";
    private static final String K3S_IMAGES = "/var/lib/rancher/k3s/agent/images/";

    private final K3sContainer k3s;
    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, Forward> forwards = new ConcurrentHashMap<>();

    private record Forward(String uid, LocalPortForward forward) {
    }

    private K3sEnvironment(K3sContainer k3s, KubernetesClient client, String namespace, String tag) {
        this.tag = tag;
        this.k3s = k3s;
        this.client = client;
        this.namespace = namespace;
    }

    /** True when a Docker-compatible engine answers. */
    public static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    public static K3sEnvironment start(String namespace) throws Exception {
        Path root = Path.of(System.getProperty("golt.e2e.root", "..")).toAbsolutePath().normalize();
        // The images carry the project version as their tag (images/target/images/*.tar).
        String tag = version(root);
        Path nodeTar = ImageTars.of("golt-node");
        Path operatorTar = ImageTars.of("golt-operator");

        K3sContainer k3s = new K3sContainer(DockerImageName.parse(K3S_IMAGE))
                .withCopyFileToContainer(MountableFile.forHostPath(nodeTar), K3S_IMAGES + "golt-node.tar")
                .withCopyFileToContainer(MountableFile.forHostPath(operatorTar), K3S_IMAGES + "golt-operator.tar");
        k3s.start();
        String kubeconfig = k3s.getKubeConfigYaml();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        new Helm(root.resolve("charts/golt-operator")).install()
                .withKubeConfigContents(kubeconfig)
                .withName("golt-operator").withNamespace(OPERATOR_NAMESPACE).createNamespace()
                .set("image.repository", "golt/golt-operator").set("image.tag", tag).set("image.pullPolicy", "Never")
                .set("watchNamespaces", "{" + namespace + "}")
                .waitReady().withTimeout(300)
                .call();
        return new K3sEnvironment(k3s, client, namespace, tag);
    }

    private static String version(Path root) throws IOException {
        for (String line : Files.readAllLines(root.resolve("pom.xml"))) {
            String trimmed = line.trim();
            if (line.startsWith("  <version>") && trimmed.endsWith("</version>")) {
                return trimmed.substring("<version>".length(), trimmed.length() - "</version>".length());
            }
        }
        throw new IllegalStateException("no project version in " + root.resolve("pom.xml"));
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
        return "golt/golt-node:" + tag;
    }

    /** A port-forward to the pod's HTTP port, renewed when the pod was replaced. */
    @Override
    public URI nodeUri(String pod) {
        Pod current = client.pods().inNamespace(namespace).withName(pod).get();
        if (current == null) {
            throw new IllegalStateException("no pod " + pod);
        }
        Forward forward = forwards.compute(pod, (name, old) -> {
            if (old != null && old.uid().equals(current.getMetadata().getUid()) && old.forward().isAlive()) {
                return old;
            }
            close(old);
            return new Forward(current.getMetadata().getUid(),
                    client.pods().inNamespace(namespace).withName(pod).portForward(8000));
        });
        return URI.create("http://127.0.0.1:" + forward.forward().getLocalPort());
    }

    /** SIGKILL to the container's main process, through the container runtime inside k3s. */
    @Override
    public void killContainer(String pod) throws Exception {
        String id = k3s.execInContainer("crictl", "ps", "-q", "--name", "golt", "--label", "io.kubernetes.pod.name=" + pod)
                .getStdout().trim();
        String pid = k3s.execInContainer("crictl", "inspect", "--output", "go-template", "--template", "{{.info.pid}}", id)
                .getStdout().trim();
        var kill = k3s.execInContainer("kill", "-9", pid);
        if (kill.getExitCode() != 0) {
            throw new IllegalStateException("kill -9 " + pid + " of " + pod + " failed: " + kill.getStderr());
        }
    }

    @Override
    public int runningNodeProcesses() {
        return client.pods().inNamespace(namespace).list().getItems().size();
    }

    @Override
    public String diagnostics(List<String> pods) {
        StringBuilder out = new StringBuilder();
        for (String pod : pods) {
            try {
                out.append("---- pod ").append(pod).append('\n')
                        .append(client.pods().inNamespace(namespace).withName(pod).tailingLines(40).getLog()).append('\n');
            } catch (RuntimeException e) {
                out.append("---- pod ").append(pod).append(": ").append(e.getMessage()).append('\n');
            }
        }
        client.pods().inNamespace(OPERATOR_NAMESPACE).list().getItems().forEach(p -> out.append("---- operator ")
                .append(p.getMetadata().getName()).append('\n')
                .append(client.pods().inNamespace(OPERATOR_NAMESPACE).withName(p.getMetadata().getName()).tailingLines(60).getLog()));
        return out.toString();
    }

    private static void close(Forward forward) {
        if (forward != null) {
            try {
                forward.forward().close();
            } catch (IOException ignored) {
                // the pod is gone already
            }
        }
    }

    @Override
    public void close() {
        forwards.values().forEach(K3sEnvironment::close);
        client.close();
        k3s.stop();
    }
}
