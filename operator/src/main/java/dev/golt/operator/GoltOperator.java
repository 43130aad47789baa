package dev.golt.operator;

import dev.golt.operator.model.GoltClusterModel;
import dev.golt.operator.node.NodeClient;
import dev.golt.operator.reconciler.ClusterEvents;
import dev.golt.operator.reconciler.GoltClusterReconciler;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import java.net.URI;
import java.time.Clock;
import java.util.Set;
import java.util.function.Function;

/** Builds the JOSDK operator for GoltCluster; shared by {@link GoltOperatorMain} and the tests. */
public final class GoltOperator {

    private GoltOperator() {
    }

    /**
     * @param namespaces namespaces to watch; empty means all
     */
    public static Operator create(KubernetesClient client, NodeClient nodes, Function<Pod, URI> endpoints,
                                  OperatorMetrics metrics, Clock clock, Set<String> namespaces) {
        return create(client, nodes, endpoints, metrics, clock, namespaces, GoltClusterModel.DEFAULT_CLUSTER_DOMAIN);
    }

    /**
     * @param clusterDomain the cluster's DNS domain (members' stable addresses)
     */
    public static Operator create(KubernetesClient client, NodeClient nodes, Function<Pod, URI> endpoints,
                                  OperatorMetrics metrics, Clock clock, Set<String> namespaces,
                                  String clusterDomain) {
        Operator operator = new Operator(o -> o
                .withKubernetesClient(client)
                .withCloseClientOnStop(false)
                .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(metrics.registry()))
                // The fabric8 mock API server (tests, e2e) has no server-side apply.
                .withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false));
        GoltClusterReconciler reconciler = new GoltClusterReconciler(client, nodes, endpoints, metrics, clock,
                clusterDomain);
        operator.register(reconciler, c -> {
            // Annotations (restart, snapshot, paused) do not bump the generation, so plain generation
            // awareness would miss them; the filter still drops status-only updates (our own writes).
            c.withGenerationAware(false);
            c.withOnUpdateFilter(ClusterEvents::worthReconciling);
            if (namespaces.isEmpty()) {
                c.watchingAllNamespaces();
            } else {
                c.settingNamespaces(namespaces);
            }
        });
        return operator;
    }
}
