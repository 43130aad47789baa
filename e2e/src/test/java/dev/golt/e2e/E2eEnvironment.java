package dev.golt.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;

import java.net.URI;

/**
 * What the scenarios need from a Kubernetes-like place running the Golt operator: an API client,
 * the namespace the operator watches, a way to reach a pod's node HTTP API from the test JVM, and
 * a way to crash a pod's container. Implemented by the local mode (mock API server + pod runner)
 * and the k3s mode.
 */
public interface E2eEnvironment extends AutoCloseable {
    KubernetesClient client();

    String namespace();

    /** Image to put in {@code spec.image} (ignored by the local pod runner). */
    String nodeImage();

    /** Base URI of the node HTTP API of a pod, e.g. {@code http://127.0.1.5:8000}. */
    URI nodeUri(String pod);

    /** Kills the pod's container process with SIGKILL, leaving the Pod object in place. */
    void killContainer(String pod) throws Exception;

    /** Number of node processes/containers still running in the namespace. */
    int runningNodeProcesses();

    /** Logs or other context worth printing when a scenario fails. */
    default String diagnostics(java.util.List<String> pods) {
        return "";
    }
}
