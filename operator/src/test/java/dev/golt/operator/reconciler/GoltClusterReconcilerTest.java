package dev.golt.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.golt.operator.TestClusters;
import dev.golt.operator.crd.GoltCluster;
import dev.golt.operator.crd.StorageSpec;
import dev.golt.operator.fake.FakeGoltCluster;
import dev.golt.operator.model.GoltClusterModel;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole operator (JOSDK, informers, dependents, status patches) against fabric8's mock API
 * server in CRUD mode; nodes are {@link FakeGoltCluster}s behind real HTTP. The tests play the
 * StatefulSet controller themselves ({@link OperatorHarness#syncPods}). One operator serves all
 * tests, each with its own GoltCluster; the last test checks every request made against the RBAC file.
 */
@EnableKubernetesMockClient(crud = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GoltClusterReconcilerTest {

    static KubernetesMockServer server;
    static KubernetesClient client;
    static OperatorHarness harness;

    @BeforeAll
    static void start() throws Exception {
        harness = new OperatorHarness(server, client);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private static Condition condition(GoltCluster cluster, String type) {
        return cluster == null || cluster.getStatus() == null ? null
                : Conditions.find(cluster.getStatus().conditions, type);
    }

    private static void awaitCondition(String name, String type, String status, String reason) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Condition c = condition(harness.get(name), type);
            assertThat(c).as(type).isNotNull();
            assertThat(c.getStatus() + "/" + c.getReason()).isEqualTo(status + "/" + reason);
        });
    }

    private static GoltCluster createReadyCluster(String name, int replicas, Consumer<GoltCluster> customize) {
        GoltCluster cluster = TestClusters.cluster(name, replicas);
        customize.accept(cluster);
        GoltCluster created = client.resource(cluster).create();
        harness.awaitStatefulSet(name);
        assertThat(bootstrapState(name)).as("before the cluster formed").isEqualTo("new");
        harness.nodes(name).bootstrap(new GoltClusterModel(created).memberIds(replicas).toArray(String[]::new));
        harness.syncPods(name, "rev-1");
        awaitCondition(name, Conditions.READY, "True", Conditions.REASON_ALL_MEMBERS_READY);
        return harness.get(name);
    }

    private static String bootstrapState(String name) {
        var configMap = client.configMaps().inNamespace("ns").withName(name + "-bootstrap").get();
        return configMap == null ? null : configMap.getData().get("initial-cluster-state");
    }

    private static String templateAnnotation(String name, String key) {
        var annotations = client.apps().statefulSets().inNamespace("ns").withName(name).get().getSpec().getTemplate()
                .getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }

    /**
     * Changes the cluster like a user would: the operator writes the status concurrently, so a 409
     * means "re-read and apply the change again" (JOSDK's conflict-retrying edit).
     */
    private static void update(String name, Consumer<GoltCluster> change) {
        PrimaryUpdateAndCacheUtils.conflictRetryingPatch(client, harness.get(name), c -> {
            change.accept(c);
            return c;
        }, c -> true);
    }

    @Test
    @Order(1)
    void createsOwnedDependentsAndReportsLiveNodeStatus() {
        GoltCluster cluster = createReadyCluster("one", 3, c -> { });
        String uid = cluster.getMetadata().getUid();
        List<HasMetadata> owned = List.of(
                client.apps().statefulSets().inNamespace("ns").withName("one").get(),
                client.services().inNamespace("ns").withName("one").get(),
                client.services().inNamespace("ns").withName("one-headless").get(),
                client.configMaps().inNamespace("ns").withName("one-bootstrap").get(),
                client.policy().v1().podDisruptionBudget().inNamespace("ns").withName("one").get());
        assertThat(owned).allSatisfy(o -> assertThat(o.getMetadata().getOwnerReferences())
                .singleElement().satisfies(ref -> assertThat(ref.getUid()).isEqualTo(uid)));
        var status = cluster.getStatus();
        assertThat(status.leader).isEqualTo("one-0");
        assertThat(status.readyReplicas).isEqualTo(3);
        assertThat(status.replicas).isEqualTo(3);
        assertThat(status.members).extracting(m -> m.id + ":" + m.role)
                .containsExactly("one-0:voter", "one-1:voter", "one-2:voter");
        assertThat(status.initialMembers).containsExactly("one-0", "one-1", "one-2");
        assertThat(status.bootstrapped).isTrue();
        assertThat(status.selector).isEqualTo("app.kubernetes.io/name=golt,app.kubernetes.io/instance=one");
        await().atMost(Duration.ofSeconds(20)).until(() -> "existing".equals(bootstrapState("one")));
        assertThat(status.currentImage).isEqualTo("golt:1");
        assertThat(status.observedGeneration).isEqualTo(cluster.getMetadata().getGeneration());
        assertThat(condition(cluster, Conditions.AVAILABLE).getStatus()).isEqualTo("True");
        assertThat(condition(cluster, Conditions.DEGRADED).getStatus()).isEqualTo("False");
        assertThat(condition(cluster, Conditions.PROGRESSING).getReason()).isEqualTo(Conditions.REASON_RECONCILED);
        assertThat(condition(cluster, Conditions.SPEC_WARNING).getStatus()).isEqualTo("False");
    }

    @Test
    @Order(2)
    void invalidSpecsAreReportedAndNothingIsCreated() {
        client.resource(TestClusters.cluster("zero", 0)).create();
        GoltCluster unknownClass = TestClusters.cluster("nosc", 3);
        unknownClass.getSpec().storage = new StorageSpec();
        unknownClass.getSpec().storage.storageClassName = "missing";
        client.resource(unknownClass).create();
        awaitCondition("zero", Conditions.DEGRADED, "True", Conditions.REASON_INVALID_SPEC);
        awaitCondition("nosc", Conditions.DEGRADED, "True", Conditions.REASON_INVALID_SPEC);
        assertThat(condition(harness.get("zero"), Conditions.DEGRADED).getMessage()).contains("spec.replicas");
        assertThat(condition(harness.get("nosc"), Conditions.DEGRADED).getMessage()).contains("StorageClass missing");
        assertThat(client.apps().statefulSets().inNamespace("ns").withName("zero").get()).isNull();
        assertThat(client.apps().statefulSets().inNamespace("ns").withName("nosc").get()).isNull();
    }

    @Test
    @Order(3)
    void evenReplicasOnlyWarn() {
        createReadyCluster("even", 2, c -> { });
        awaitCondition("even", Conditions.SPEC_WARNING, "True", "EvenReplicas");
    }

    @Test
    @Order(4)
    void pausedClusterIsNotChangedButStatusIsKept() {
        createReadyCluster("paused", 3, c -> { });
        update("paused", c -> {
            c.getSpec().paused = true;
            c.getSpec().image = "golt:2";
        });
        awaitCondition("paused", Conditions.PROGRESSING, "False", Conditions.REASON_PAUSED);
        StatefulSet sts = client.apps().statefulSets().inNamespace("ns").withName("paused").get();
        assertThat(sts.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("golt:1");
        assertThat(harness.get("paused").getStatus().leader).isEqualTo("paused-0");
    }

    @Test
    @Order(5)
    void snapshotAnnotationSnapshotsEveryMemberOnce() {
        createReadyCluster("snap", 3, c -> { });
        FakeGoltCluster nodes = harness.nodes("snap");
        update("snap", c -> c.getMetadata().setAnnotations(Map.of(GoltCluster.ANNOTATION_SNAPSHOT, "now-1")));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var last = harness.get("snap").getStatus().lastSnapshot;
            assertThat(last).isNotNull();
            assertThat(last.annotation).isEqualTo("now-1");
            assertThat(last.index).isEqualTo(nodes.commitIndex());
        });
        assertThat(nodes.log).containsExactly("snapshot snap-0", "snapshot snap-1", "snapshot snap-2");
    }

    @Test
    @Order(6)
    void imageChangeRollsFollowersFirstAndTheLeaderAfterATransfer() {
        createReadyCluster("roll", 3, c -> { });
        FakeGoltCluster nodes = harness.nodes("roll");
        nodes.setLeader("roll-1");
        double before = harness.registry.counter("golt.operator.pod.restarts").count();
        update("roll", c -> c.getSpec().image = "golt:2");
        await().atMost(Duration.ofSeconds(20)).until(() -> "golt:2".equals(client.apps().statefulSets()
                .inNamespace("ns").withName("roll").get().getSpec().getTemplate().getSpec().getContainers().get(0)
                .getImage()));
        // The StatefulSet controller has not seen the new template yet: not Ready for the new generation.
        long generation = harness.get("roll").getMetadata().getGeneration();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Condition ready = condition(harness.get("roll"), Conditions.READY);
            assertThat(ready.getObservedGeneration()).isEqualTo(generation);
            assertThat(ready.getStatus()).isEqualTo("False");
        });
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            harness.syncPods("roll", "rev-2");
            assertThat(harness.get("roll").getStatus().currentImage).isEqualTo("golt:2");
            assertThat(condition(harness.get("roll"), Conditions.READY).getStatus()).isEqualTo("True");
        });
        assertThat(nodes.log).containsExactly("transfer roll-1->roll-0");
        assertThat(harness.registry.counter("golt.operator.pod.restarts").count() - before).isEqualTo(3.0);
        assertThat(harness.evictions).as("through the Eviction API, so the budget is respected")
                .containsSubsequence("roll-0", "roll-2", "roll-1");
    }

    @Test
    @Order(9)
    void theRestartAnnotationRollsOncePerValueEvenWhenItIsTrue() throws Exception {
        createReadyCluster("again", 3, c -> { });
        double before = harness.registry.counter("golt.operator.pod.restarts").count();
        update("again", c -> c.getMetadata().setAnnotations(Map.of(GoltCluster.ANNOTATION_RESTART, "true")));
        await().atMost(Duration.ofSeconds(20)).until(() -> "true".equals(templateAnnotation("again",
                GoltCluster.ANNOTATION_RESTART)));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            harness.syncPods("again", "rev-2");
            assertThat(condition(harness.get("again"), Conditions.READY).getStatus()).isEqualTo("True");
        });
        assertThat(harness.registry.counter("golt.operator.pod.restarts").count() - before).isEqualTo(3.0);
        // Several more passes (busy passes reschedule quickly, pod events trigger more): nothing else rolls.
        Thread.sleep(3_000);
        harness.syncPods("again", "rev-2");
        assertThat(harness.registry.counter("golt.operator.pod.restarts").count() - before).isEqualTo(3.0);
    }

    @Test
    @Order(10)
    void aStorageChangeIsReportedAndNeverReachesTheStatefulSetsClaimTemplates() {
        createReadyCluster("disk", 3, c -> { });
        var templates = client.apps().statefulSets().inNamespace("ns").withName("disk").get().getSpec()
                .getVolumeClaimTemplates();
        update("disk", c -> {
            c.getSpec().storage = new StorageSpec();
            c.getSpec().storage.size = "5Gi";
            c.getSpec().image = "golt:2";
        });
        awaitCondition("disk", Conditions.SPEC_WARNING, "True", "StorageChangeNotApplied");
        await().atMost(Duration.ofSeconds(20)).until(() -> "golt:2".equals(client.apps().statefulSets()
                .inNamespace("ns").withName("disk").get().getSpec().getTemplate().getSpec().getContainers().get(0)
                .getImage()));
        assertThat(client.apps().statefulSets().inNamespace("ns").withName("disk").get().getSpec()
                .getVolumeClaimTemplates()).as("other changes still go through; the claims stay").isEqualTo(templates);
    }

    @Test
    @Order(7)
    void scaleDownRemovesMembersBeforeShrinkingTheStatefulSetAndDeletesClaims() {
        createReadyCluster("shrink", 5, c -> {
            c.getSpec().storage = new StorageSpec();
            c.getSpec().storage.claimOnScaleDown = StorageSpec.ClaimPolicy.Delete;
        });
        GoltClusterModel model = new GoltClusterModel(harness.get("shrink"));
        for (int i = 0; i < 5; i++) {
            client.persistentVolumeClaims().inNamespace("ns").resource(new PersistentVolumeClaimBuilder()
                    .withNewMetadata().withName(model.claimName(i)).withLabels(model.labels()).endMetadata().build())
                    .create();
        }
        FakeGoltCluster nodes = harness.nodes("shrink");
        nodes.setLeader("shrink-4");
        update("shrink", c -> c.getSpec().replicas = 3);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            harness.syncPods("shrink", "rev-1");
            int size = client.apps().statefulSets().inNamespace("ns").withName("shrink").get().getSpec().getReplicas();
            int highestMember = nodes.members().keySet().stream().mapToInt(model::ordinalOf).max().orElseThrow();
            assertThat(size).as("StatefulSet never drops a configured member").isGreaterThan(highestMember);
            assertThat(size).isEqualTo(3);
            assertThat(client.persistentVolumeClaims().inNamespace("ns").withLabels(model.selectorLabels()).list()
                    .getItems()).extracting(c -> c.getMetadata().getName())
                    .containsExactlyInAnyOrder("data-shrink-0", "data-shrink-1", "data-shrink-2");
        });
        assertThat(nodes.log).containsExactly("remove shrink-3", "transfer shrink-4->shrink-0", "remove shrink-4");
    }

    @Test
    @Order(8)
    void scaleUpAddsLearners() {
        createReadyCluster("grow", 1, c -> { });
        update("grow", c -> c.getSpec().replicas = 3);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            harness.syncPods("grow", "rev-1");
            assertThat(condition(harness.get("grow"), Conditions.READY).getStatus()).isEqualTo("True");
            assertThat(harness.get("grow").getStatus().members).hasSize(3);
        });
        assertThat(harness.nodes("grow").log).containsExactly(
                "add grow-1 grow-1.grow-headless.ns.svc.cluster.local:7000",
                "add grow-2 grow-2.grow-headless.ns.svc.cluster.local:7000");
        assertThat(harness.get("grow").getStatus().initialMembers).containsExactly("grow-0");
    }

    @Test
    @Order(11)
    void aOneMemberClusterIsRestartedByADeletionBecauseItsBudgetIsZero() {
        createReadyCluster("solo", 1, c -> { });
        double before = harness.registry.counter("golt.operator.pod.restarts").count();
        update("solo", c -> c.getSpec().image = "golt:2");
        await().atMost(Duration.ofSeconds(20)).until(() -> "golt:2".equals(client.apps().statefulSets()
                .inNamespace("ns").withName("solo").get().getSpec().getTemplate().getSpec().getContainers().get(0)
                .getImage()));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            harness.syncPods("solo", "rev-2");
            assertThat(harness.get("solo").getStatus().currentImage).isEqualTo("golt:2");
            assertThat(condition(harness.get("solo"), Conditions.READY).getStatus()).isEqualTo("True");
        });
        assertThat(harness.registry.counter("golt.operator.pod.restarts").count() - before).isEqualTo(1.0);
        assertThat(harness.evictions).doesNotContain("solo-0");
    }

    @Test
    @Order(100)
    void everyRequestTheOperatorMadeIsCoveredByTheRbacFileAndItsWatchesAreLabelled() throws Exception {
        var requests = RbacRequirementsCheck.operatorRequests(server);
        RbacRequirementsCheck.assertCovered(requests, client, harness.dependentTypes());
        RbacRequirementsCheck.assertWatchesAreLabelled(requests);
    }
}
