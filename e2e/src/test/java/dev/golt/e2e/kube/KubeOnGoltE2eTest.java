package dev.golt.e2e.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.e2e.Await;
import dev.golt.e2e.GoltScenarios;
import dev.golt.e2e.ScenarioSuite;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Golt as Kubernetes' own store: kube-apiserver runs with {@code --etcd-servers} pointing at a
 * 3-node Golt cluster ({@link GoltStore}) instead of etcd, and everything above it is the real
 * thing — controllers, scheduler, the operator, the test kubelet. Objects, list pagination,
 * watches, optimistic concurrency and garbage collection are checked directly, then the operator's
 * scenarios 1–9 run on it as they do on etcd in {@link KubeE2eTest}.
 */
class KubeOnGoltE2eTest extends ScenarioSuite {

    private static final String NS = "golt-store-e2e";
    /** The direct checks' own namespace: scenario 9 expects the operator's namespace to hold only its objects. */
    private static final String CHECKS = "store-checks";
    private KubeEnvironment env;

    @BeforeAll
    void start() throws Exception {
        env = KubeEnvironment.start(NS, ControlPlane.Store.GOLT);
        scenarios = new GoltScenarios(env);
    }

    private KubernetesClient kube() {
        return env.controlPlane().adminClient();
    }

    @Test
    @Order(0)
    void listsArePagedWithContinueTokensAndCountTheRemainingItems() {
        try (KubernetesClient kube = kube()) {
            String ns = CHECKS + "-paging";
            kube.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                    .withNewMetadata().withName(ns).endMetadata().build()).create();
            for (int i = 0; i < 120; i++) {
                kube.configMaps().inNamespace(ns).resource(configMap("cm-" + i, Map.of("i", "" + i))).create();
            }
            List<String> names = new ArrayList<>();
            List<long[]> remaining = new ArrayList<>(); // items seen so far, remaining item count
            String next = null;
            do {
                ConfigMapList page = kube.configMaps().inNamespace(ns)
                        .list(new ListOptionsBuilder().withLimit(50L).withContinue(next).build());
                page.getItems().forEach(c -> names.add(c.getMetadata().getName()));
                next = page.getMetadata().getContinue();
                if (next != null && !next.isEmpty()) {
                    remaining.add(new long[] {names.size(), page.getMetadata().getRemainingItemCount()});
                }
            } while (next != null && !next.isEmpty());
            // 120 of ours and the kube-root-ca.crt the root CA publisher puts in every namespace
            assertThat(names).hasSize(121).doesNotHaveDuplicates().contains("cm-0", "cm-119", "kube-root-ca.crt");
            assertThat(remaining).hasSize(2).allSatisfy(r -> assertThat(r[1]).isEqualTo(names.size() - r[0]));
        }
    }

    @Test
    @Order(0)
    void aWatchSeesEveryChangeInOrderAndAStaleUpdateIsAConflict() throws Exception {
        try (KubernetesClient kube = kube()) {
            kube.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                    .withNewMetadata().withName(CHECKS).endMetadata().build()).serverSideApply();
            ConfigMap created = kube.configMaps().inNamespace(CHECKS).resource(configMap("watched", Map.of("v", "0"))).create();
            BlockingQueue<String> seen = new LinkedBlockingQueue<>();
            try (Watch ignored = kube.configMaps().inNamespace(CHECKS).withName("watched").watch(
                    new ListOptionsBuilder().withResourceVersion(created.getMetadata().getResourceVersion()).build(),
                    new Watcher<>() {
                        public void eventReceived(Action action, ConfigMap cm) {
                            seen.add(action + ":" + (cm.getData() == null ? "" : cm.getData().get("v")));
                        }

                        public void onClose(WatcherException cause) {}
                    })) {
                for (int i = 1; i <= 5; i++) {
                    String v = "" + i;
                    kube.configMaps().inNamespace(CHECKS).withName("watched").edit(c -> new ConfigMapBuilder(c).addToData("v", v).build());
                }
                kube.configMaps().inNamespace(CHECKS).withName("watched").delete();
                List<String> events = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    String e = seen.poll(30, TimeUnit.SECONDS);
                    assertThat(e).as("watch event %d of 6 (got %s)", i + 1, events).isNotNull();
                    events.add(e);
                }
                assertThat(events).containsExactly("MODIFIED:1", "MODIFIED:2", "MODIFIED:3", "MODIFIED:4", "MODIFIED:5", "DELETED:5");
            }
            ConfigMap a = kube.configMaps().inNamespace(CHECKS).resource(configMap("contended", Map.of("v", "a"))).create();
            kube.configMaps().inNamespace(CHECKS).resource(new ConfigMapBuilder(a).addToData("v", "b").build()).update();
            try {
                kube.configMaps().inNamespace(CHECKS).resource(new ConfigMapBuilder(a).addToData("v", "c").build()).update();
                throw new AssertionError("an update with a stale resourceVersion was accepted");
            } catch (KubernetesClientException e) {
                assertThat(e.getCode()).isEqualTo(409);
            }
        }
    }

    @Test
    @Order(0)
    void controllersRunADeploymentAndTheGarbageCollectorRemovesItsObjects() {
        try (KubernetesClient kube = kube()) {
            kube.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                    .withNewMetadata().withName(CHECKS).endMetadata().build()).serverSideApply();
            Deployment d = new DeploymentBuilder().withNewMetadata().withName("web").endMetadata()
                    .withNewSpec().withReplicas(2)
                        .withNewSelector().addToMatchLabels("app", "web").endSelector()
                        .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                            // No node matches: the pods stay pending, so deleting them needs no kubelet.
                            .withNewSpec().withNodeSelector(Map.of("golt.dev/test", "no-such-node"))
                            .addNewContainer().withName("web").withImage("example.invalid/web:1").endContainer()
                            .endSpec().endTemplate()
                    .endSpec().build();
            kube.apps().deployments().inNamespace(CHECKS).resource(d).create();
            Await.until("the Deployment's ReplicaSet and 2 pods", Duration.ofSeconds(60), () ->
                    kube.apps().replicaSets().inNamespace(CHECKS).withLabel("app", "web").list().getItems().size() == 1
                            && kube.pods().inNamespace(CHECKS).withLabel("app", "web").list().getItems().size() == 2);
            kube.apps().deployments().inNamespace(CHECKS).withName("web").delete();
            Await.until("the garbage collector to remove the ReplicaSet and its pods", Duration.ofSeconds(60), () ->
                    kube.apps().replicaSets().inNamespace(CHECKS).withLabel("app", "web").list().getItems().isEmpty()
                            && kube.pods().inNamespace(CHECKS).withLabel("app", "web").list().getItems().isEmpty());
        }
    }

    private static ConfigMap configMap(String name, Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().withData(data).build();
    }

    @AfterAll
    void stop() throws Exception {
        if (env != null) {
            Path workDir = env.workDir();
            env.close();
            assertThat(env.runningNodeProcesses()).isZero();
            assertThat(Files.exists(workDir) && !Boolean.getBoolean("golt.e2e.keepWork")).isFalse();
        }
    }
}
