package dev.golt.operator.reconciler;

import dev.golt.operator.model.GoltClusterModel;
import dev.golt.operator.node.NodeClient;
import dev.golt.operator.node.NodeException;
import dev.golt.operator.node.NodeStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the StatefulSet and pods from the API server and each node's {@code /status} over HTTP,
 * all nodes at once (one virtual thread each), so a black-holed pod costs one timeout per pass,
 * not one per pod.
 */
public final class ClusterObserver {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterObserver.class);

    private final KubernetesClient client;
    private final NodeClient nodes;
    private final Function<Pod, URI> endpoints;

    public ClusterObserver(KubernetesClient client, NodeClient nodes, Function<Pod, URI> endpoints) {
        this.client = client;
        this.nodes = nodes;
        this.endpoints = endpoints;
    }

    /** Default node endpoint: the pod IP (bracketed when it is IPv6) and the node HTTP port. */
    public static Function<Pod, URI> podIpEndpoints(int port) {
        return pod -> URI.create("http://" + hostOf(pod.getStatus().getPodIP()) + ":" + port);
    }

    static String hostOf(String ip) {
        return ip.contains(":") && !ip.startsWith("[") ? "[" + ip + "]" : ip;
    }

    public ClusterState observe(GoltClusterModel model) {
        StatefulSet statefulSet = client.apps().statefulSets().inNamespace(model.namespace())
                .withName(model.statefulSetName()).get();
        Map<String, Pod> pods = new HashMap<>();
        for (Pod pod : client.pods().inNamespace(model.namespace()).withLabels(model.selectorLabels()).list().getItems()) {
            // Terminating pods too: a draining node still answers, and may still be the leader.
            if (model.ordinalOf(pod.getMetadata().getName()) >= 0) {
                pods.put(pod.getMetadata().getName(), pod);
            }
        }
        Map<String, NodeStatus> statuses = new ConcurrentHashMap<>();
        try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Pod pod : pods.values()) {
                if (pod.getStatus() == null || pod.getStatus().getPodIP() == null) {
                    continue;
                }
                calls.submit(() -> {
                    try {
                        statuses.put(pod.getMetadata().getName(), nodes.status(endpoints.apply(pod)));
                    } catch (NodeException e) {
                        LOG.debug("node {} did not answer /status: {}", pod.getMetadata().getName(), e.getMessage());
                    }
                });
            }
        }
        return new ClusterState(model, statefulSet, pods, statuses, endpoints);
    }
}
