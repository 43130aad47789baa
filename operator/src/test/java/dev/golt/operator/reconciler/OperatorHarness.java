package dev.golt.operator.reconciler;

import static org.awaitility.Awaitility.await;

import dev.golt.operator.GoltOperator;
import dev.golt.operator.OperatorMetrics;
import dev.golt.operator.crd.GoltCluster;
import dev.golt.operator.fake.FakeGoltCluster;
import dev.golt.operator.fake.FakeNodeHttpServer;
import dev.golt.operator.fake.TestPods;
import dev.golt.operator.model.GoltClusterModel;
import dev.golt.operator.node.HttpNodeClient;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * The operator running against the fabric8 mock API server, with fake nodes behind real HTTP. The
 * harness also plays the controllers the mock lacks: the StatefulSet controller ({@link #syncPods})
 * and the Eviction API (an accepted eviction deletes the pod).
 */
final class OperatorHarness implements AutoCloseable {

    private final java.util.Map<String, FakeGoltCluster> nodes = new java.util.concurrent.ConcurrentHashMap<>();
    final FakeNodeHttpServer http;
    final Operator operator;
    final KubernetesClient client;
    final KubernetesClient operatorClient;
    private final io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;
    private final Set<String> evictable = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final java.util.List<String> evictions = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    OperatorHarness(io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server, KubernetesClient client)
            throws Exception {
        this.server = server;
        this.client = client;
        http = new FakeNodeHttpServer(this::nodes);
        // Its own client with a user agent of its own, so the RBAC check can tell its requests apart.
        KubernetesClient operatorClient = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration())
                        .withUserAgent(RbacRequirementsCheck.OPERATOR_USER_AGENT).build())
                .build();
        this.operatorClient = operatorClient;
        operator = GoltOperator.create(operatorClient,
                new HttpNodeClient(Duration.ofSeconds(5), Duration.ofSeconds(10), 2, Duration.ofMillis(10)),
                http::endpoint, new OperatorMetrics(registry), Clock.systemUTC(), Set.of("ns"));
        operator.start();
    }

    FakeGoltCluster nodes(String cluster) {
        return nodes.computeIfAbsent(cluster, k -> new FakeGoltCluster());
    }

    GoltCluster get(String name) {
        return client.resources(GoltCluster.class).inNamespace("ns").withName(name).get();
    }

    StatefulSet awaitStatefulSet(String name) {
        await().atMost(Duration.ofSeconds(20)).until(() ->
                client.apps().statefulSets().inNamespace("ns").withName(name).get() != null);
        return client.apps().statefulSets().inNamespace("ns").withName(name).get();
    }

    /** Plays the StatefulSet controller once: revision, pods for every ordinal, pods above deleted. */
    void syncPods(String name, String revision) {
        GoltClusterModel model = new GoltClusterModel(get(name));
        StatefulSet sts = writeStatus(name, revision);
        int replicas = sts.getSpec().getReplicas();
        for (int i = 0; i < 9; i++) {
            String id = model.podName(i);
            Pod existing = client.pods().inNamespace("ns").withName(id).get();
            if (i >= replicas && existing != null) {
                client.pods().inNamespace("ns").withName(id).delete();
            } else if (i < replicas && existing == null) {
                acceptEvictions(id);
                nodes(name).node(id).up = true;
                client.pods().inNamespace("ns").resource(TestPods.pod(model, id, revision, true, Instant.now())).create();
            }
        }
    }

    /**
     * Writes the StatefulSet's status as its controller would: editStatus sends the resourceVersion it
     * read, and the operator may change the StatefulSet in between, so a 409 means read again and
     * retry — what the real controller does with a conflict.
     */
    private StatefulSet writeStatus(String name, String revision) {
        for (int attempt = 1; ; attempt++) {
            try {
                return client.apps().statefulSets().inNamespace("ns").withName(name).editStatus(s -> {
                    s.setStatus(new io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder()
                            .withUpdateRevision(revision).withReplicas(s.getSpec().getReplicas())
                            .withObservedGeneration(s.getMetadata().getGeneration()).build());
                    return s;
                });
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 20) {
                    throw e;
                }
            }
        }
    }

    /**
     * The Eviction API for one pod: the mock has none, so an expectation answers it and deletes the
     * pod (asynchronously: a call back into the mock from its own dispatcher could deadlock).
     */
    private void acceptEvictions(String pod) {
        if (!evictable.add(pod)) {
            return;
        }
        server.expect().post().withPath("/api/v1/namespaces/ns/pods/" + pod + "/eviction")
                .andReply(201, request -> {
                    evictions.add(pod);
                    java.util.concurrent.CompletableFuture.runAsync(() ->
                            client.pods().inNamespace("ns").withName(pod).delete());
                    return new io.fabric8.kubernetes.api.model.StatusBuilder().withStatus("Success").build();
                }).always();
    }

    java.util.List<Class<?>> dependentTypes() {
        return new GoltClusterReconciler(operatorClient, null, null, new OperatorMetrics(registry), Clock.systemUTC())
                .dependentResourceTypes();
    }

    @Override
    public void close() {
        operator.stop();
        operatorClient.close();
        http.close();
    }
}
