package dev.golt.operator;

import dev.golt.operator.model.GoltClusterModel;
import dev.golt.operator.node.HttpNodeClient;
import dev.golt.operator.reconciler.ClusterObserver;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point. Kubernetes access follows fabric8's usual rules (in-cluster service account, else
 * KUBECONFIG / ~/.kube/config). Environment:
 * WATCH_NAMESPACES (comma list, empty = all), GOLT_OPERATOR_HTTP (host:port of health/metrics,
 * default 0.0.0.0:8080), GOLT_NODE_HTTP_PORT (node HTTP port, default 8000), GOLT_CLUSTER_DOMAIN
 * (the cluster's DNS domain, default cluster.local).
 */
public final class GoltOperatorMain {

    private static final Logger LOG = LoggerFactory.getLogger(GoltOperatorMain.class);

    private GoltOperatorMain() {
    }

    public static void main(String[] args) throws Exception {
        Set<String> namespaces = parseNamespaces(System.getenv("WATCH_NAMESPACES"));
        InetSocketAddress httpAddress = parseAddress(env("GOLT_OPERATOR_HTTP", "0.0.0.0:8080"));
        int nodePort = Integer.parseInt(env("GOLT_NODE_HTTP_PORT", "8000"));
        String clusterDomain = env("GOLT_CLUSTER_DOMAIN", GoltClusterModel.DEFAULT_CLUSTER_DOMAIN);

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KubernetesClient client = new KubernetesClientBuilder().build();
        AtomicBoolean started = new AtomicBoolean();
        OperatorHttpServer http = new OperatorHttpServer(httpAddress, registry, started::get);
        Operator operator = GoltOperator.create(client, HttpNodeClient.defaults(),
                ClusterObserver.podIpEndpoints(nodePort), new OperatorMetrics(registry), Clock.systemUTC(), namespaces,
                clusterDomain);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            started.set(false);
            operator.stop();
            http.close();
            client.close();
        }, "golt-operator-shutdown"));
        operator.start();
        started.set(true);
        LOG.info("golt operator started: namespaces={}, api={}, cluster domain {}, health/metrics on port {}",
                namespaces.isEmpty() ? "all" : namespaces, client.getMasterUrl(), clusterDomain, http.port());
        Thread.currentThread().join();
    }

    static Set<String> parseNamespaces(String value) {
        Set<String> namespaces = new LinkedHashSet<>();
        if (value != null) {
            Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(namespaces::add);
        }
        return namespaces;
    }

    static InetSocketAddress parseAddress(String value) {
        int colon = value.lastIndexOf(':');
        return new InetSocketAddress(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
