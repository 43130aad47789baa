package dev.golt.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.operator.TestClusters;
import dev.golt.operator.crd.GoltCluster;
import dev.golt.operator.crd.GoltClusterSpec;
import dev.golt.operator.crd.PodDisruptionBudgetSpec;
import dev.golt.operator.crd.RaftSpec;
import dev.golt.operator.crd.StorageSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GoltClusterModelTest {

    private static final List<String> INITIAL = List.of("kv-0", "kv-1", "kv-2");

    private static GoltClusterModel model(GoltCluster cluster) {
        return new GoltClusterModel(cluster);
    }

    private static Container container(StatefulSet sts) {
        return sts.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static String env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst()
                .orElse(null);
    }

    @Test
    void namesFollowTheClusterName() {
        GoltClusterModel model = model(TestClusters.cluster("kv", 3));
        assertThat(model.statefulSetName()).isEqualTo("kv");
        assertThat(model.headlessServiceName()).isEqualTo("kv-headless");
        assertThat(model.clientServiceName()).isEqualTo("kv");
        assertThat(model.bootstrapConfigMapName()).isEqualTo("kv-bootstrap");
        assertThat(model.podName(2)).isEqualTo("kv-2");
        assertThat(model.claimName(1)).isEqualTo("data-kv-1");
        assertThat(model.raftAddress("kv-1")).isEqualTo("kv-1.kv-headless.ns.svc.cluster.local:7000");
        assertThat(model.memberIds(3)).containsExactly("kv-0", "kv-1", "kv-2");
        assertThat(model.ordinalOf("kv-7")).isEqualTo(7);
        assertThat(model.ordinalOf("other-1")).isEqualTo(-1);
        assertThat(model.ordinalOf("kv-x")).isEqualTo(-1);
        assertThat(model.ordinalOf(null)).isEqualTo(-1);
    }

    @Test
    void everyObjectHasLabelsNamespaceAndAControllerOwnerReference() {
        GoltClusterModel model = model(TestClusters.cluster("kv", 3));
        List<HasMetadata> objects = List.of(model.generateStatefulSet(3, INITIAL), model.generateHeadlessService(),
                model.generateClientService(), model.generateBootstrapConfig(false), model.generatePodDisruptionBudget());
        for (HasMetadata object : objects) {
            assertThat(object.getMetadata().getNamespace()).isEqualTo("ns");
            assertThat(object.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "golt")
                    .containsEntry("app.kubernetes.io/instance", "kv")
                    .containsEntry("app.kubernetes.io/managed-by", "golt-operator");
            assertThat(object.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
                OwnerReference owner = (OwnerReference) ref;
                assertThat(owner.getKind()).isEqualTo("GoltCluster");
                assertThat(owner.getApiVersion()).isEqualTo("golt.dev/v1alpha1");
                assertThat(owner.getName()).isEqualTo("kv");
                assertThat(owner.getUid()).isEqualTo("uid-kv");
                assertThat(owner.getController()).isTrue();
            });
        }
    }

    @Test
    void statefulSetIsOnDeleteWithStableNamesAndOneClaimPerPod() {
        GoltCluster cluster = TestClusters.cluster("kv", 3);
        cluster.getSpec().storage = new StorageSpec();
        cluster.getSpec().storage.size = "5Gi";
        cluster.getSpec().storage.storageClassName = "fast";
        StatefulSet sts = model(cluster).generateStatefulSet(4, INITIAL);
        assertThat(sts.getSpec().getReplicas()).isEqualTo(4);
        assertThat(sts.getSpec().getServiceName()).isEqualTo("kv-headless");
        assertThat(sts.getSpec().getUpdateStrategy().getType()).isEqualTo("OnDelete");
        assertThat(sts.getSpec().getSelector().getMatchLabels())
                .isEqualTo(Map.of("app.kubernetes.io/name", "golt", "app.kubernetes.io/instance", "kv"));
        assertThat(sts.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(sts.getSpec().getSelector().getMatchLabels());
        var claim = sts.getSpec().getVolumeClaimTemplates().get(0);
        assertThat(claim.getMetadata().getName()).isEqualTo("data");
        assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");
        assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("5Gi"));
        assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(container(sts).getVolumeMounts()).first()
                .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/var/lib/golt"));
        assertThat(sts.getMetadata().getAnnotations()).containsEntry("golt.dev/initial-members", "kv-0,kv-1,kv-2");
    }

    @Test
    void defaultStorageIsOneGibibyteOnTheDefaultClass() {
        var claim = model(TestClusters.cluster("kv", 3)).generateStatefulSet(3, INITIAL).getSpec()
                .getVolumeClaimTemplates().get(0);
        assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("1Gi"));
        assertThat(claim.getSpec().getStorageClassName()).isNull();
    }

    @Test
    void containerArgsFollowTheNodeContract() {
        StatefulSet sts = model(TestClusters.cluster("kv", 3)).generateStatefulSet(3, INITIAL);
        Container c = container(sts);
        assertThat(c.getArgs()).containsExactly(
                "--id", "$(POD_NAME)",
                "--address", "$(POD_IP):7000",
                "--http", "$(POD_IP):8000",
                "--grpc", "$(POD_IP):2379",
                "--advertise", "$(POD_NAME).kv-headless.$(POD_NAMESPACE).svc.cluster.local:7000",
                "--peers", "$(GOLT_CLUSTER_PEERS)",
                "--initial-members", "$(GOLT_CLUSTER_INITIAL_MEMBERS)",
                "--data", "/var/lib/golt");
        assertThat(env(c, "GOLT_CLUSTER_PEERS")).isEqualTo("kv-0=kv-0.kv-headless.ns.svc.cluster.local:7000,"
                + "kv-1=kv-1.kv-headless.ns.svc.cluster.local:7000,kv-2=kv-2.kv-headless.ns.svc.cluster.local:7000");
        assertThat(env(c, "GOLT_CLUSTER_INITIAL_MEMBERS")).isEqualTo("kv-0,kv-1,kv-2");
        Map<String, String> fieldRefs = new java.util.HashMap<>();
        c.getEnv().stream().filter(e -> e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null)
                .forEach(e -> fieldRefs.put(e.getName(), e.getValueFrom().getFieldRef().getFieldPath()));
        assertThat(fieldRefs).isEqualTo(Map.of("POD_NAME", "metadata.name", "POD_IP", "status.podIP",
                "POD_NAMESPACE", "metadata.namespace"));
        // $(VAR) expansion only sees variables defined before the reference: all env precedes args use.
        assertThat(c.getEnvFrom()).isEmpty();
        assertThat(c.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
                .containsExactly("raft:7000", "http:8000", "etcd:2379");
    }

    @Test
    void podTemplateDoesNotChangeWhenScaling() {
        GoltCluster three = TestClusters.cluster("kv", 3);
        GoltCluster five = TestClusters.cluster("kv", 5);
        assertThat(model(five).generateStatefulSet(5, INITIAL).getSpec().getTemplate())
                .isEqualTo(model(three).generateStatefulSet(3, INITIAL).getSpec().getTemplate());
    }

    @Test
    void podsRunAsTheNodeImageUserAndOwnTheDataVolume() {
        PodSpec pod = model(TestClusters.cluster("kv", 3)).generateStatefulSet(3, INITIAL).getSpec().getTemplate()
                .getSpec();
        var security = pod.getSecurityContext();
        assertThat(security.getRunAsNonRoot()).isTrue();
        assertThat(security.getRunAsUser()).isEqualTo(10001L);
        assertThat(security.getRunAsGroup()).isEqualTo(10001L);
        assertThat(security.getFsGroup()).isEqualTo(10001L);
        assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    }

    @Test
    void theNodeContainerMeetsThePodSecurityRestrictedProfile() {
        PodSpec pod = model(TestClusters.cluster("kv", 3)).generateStatefulSet(3, INITIAL).getSpec().getTemplate()
                .getSpec();
        var security = pod.getContainers().get(0).getSecurityContext();
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getRunAsNonRoot()).isTrue();
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(security.getCapabilities().getAdd()).isEmpty();
        assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        assertThat(security.getPrivileged()).isNull();
        // Read-only root: the JVM's /tmp is an emptyDir; no hostPath or other restricted volume type.
        assertThat(pod.getContainers().get(0).getVolumeMounts()).extracting(m -> m.getName() + ":" + m.getMountPath())
                .containsExactly("data:/var/lib/golt", "tmp:/tmp");
        assertThat(pod.getVolumes()).singleElement().satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    }

    @Test
    void theLongestAllowedNameKeepsEveryGeneratedNameAndLabelWithinSixtyThreeCharacters() {
        String name = "a".repeat(SpecValidator.MAX_NAME_LENGTH);
        GoltClusterModel model = model(TestClusters.cluster(name, 9));
        StatefulSet sts = model.generateStatefulSet(9, model.memberIds(9));
        List<HasMetadata> objects = List.of(sts, model.generateHeadlessService(), model.generateClientService(),
                model.generateBootstrapConfig(true), model.generatePodDisruptionBudget());
        List<String> names = new java.util.ArrayList<>();
        objects.forEach(o -> names.add(o.getMetadata().getName()));
        objects.forEach(o -> names.addAll(o.getMetadata().getLabels().values()));
        names.addAll(sts.getSpec().getTemplate().getMetadata().getLabels().values());
        for (int i = 0; i < 9; i++) {
            names.add(model.podName(i));
            names.add(model.claimName(i));
        }
        // The StatefulSet controller labels pods with name + "-" + a hash of up to 10 characters.
        names.add(sts.getMetadata().getName() + "-" + "x".repeat(10));
        assertThat(names).allSatisfy(n -> assertThat(n.length()).as(n).isLessThanOrEqualTo(63));
        assertThat(SpecValidator.validateName(name)).isEmpty();
        assertThat(SpecValidator.validateName(name + "a")).isPresent();
        assertThat(SpecValidator.validateName("with.dots")).isPresent();
    }

    @Test
    void theClusterDomainIsConfigurable() {
        GoltClusterModel model = new GoltClusterModel(TestClusters.cluster("kv", 3), "corp.example");
        assertThat(model.raftAddress("kv-1")).isEqualTo("kv-1.kv-headless.ns.svc.corp.example:7000");
        assertThat(container(model.generateStatefulSet(3, INITIAL)).getArgs())
                .contains("$(POD_NAME).kv-headless.$(POD_NAMESPACE).svc.corp.example:7000");
        assertThat(env(container(model.generateStatefulSet(3, INITIAL)), "GOLT_CLUSTER_PEERS"))
                .contains("kv-0=kv-0.kv-headless.ns.svc.corp.example:7000");
    }

    @Test
    void anExistingStatefulSetKeepsItsClaimTemplatesAndTheDifferenceIsReported() {
        GoltCluster cluster = TestClusters.cluster("kv", 3);
        StatefulSet existing = model(cluster).generateStatefulSet(3, INITIAL);
        assertThat(StorageDrift.of(model(cluster), existing)).isEmpty();
        cluster.getSpec().storage = new StorageSpec();
        cluster.getSpec().storage.size = "5Gi";
        GoltClusterModel grown = model(cluster);
        StatefulSet desired = grown.generateStatefulSet(3, INITIAL, existing.getSpec().getVolumeClaimTemplates());
        assertThat(desired.getSpec().getVolumeClaimTemplates()).isEqualTo(existing.getSpec().getVolumeClaimTemplates());
        assertThat(StorageDrift.of(grown, existing)).hasValueSatisfying(p -> {
            assertThat(p.blocking()).isFalse();
            assertThat(p.reason()).isEqualTo(StorageDrift.REASON_STORAGE_CHANGE_NOT_APPLIED);
            assertThat(p.message()).contains("5Gi", "1Gi");
        });
        cluster.getSpec().storage.size = "1024Mi";
        assertThat(StorageDrift.of(model(cluster), existing)).as("same size, other spelling").isEmpty();
        cluster.getSpec().storage.storageClassName = "fast";
        assertThat(StorageDrift.of(model(cluster), existing)).isPresent();
    }

    @Test
    void theScaleSubresourceSelectorSelectsTheMemberPods() {
        assertThat(model(TestClusters.cluster("kv", 3)).selectorString())
                .isEqualTo("app.kubernetes.io/name=golt,app.kubernetes.io/instance=kv");
    }

    @Test
    void probesShutdownAndAntiAffinity() {
        StatefulSet sts = model(TestClusters.cluster("kv", 3)).generateStatefulSet(3, INITIAL);
        PodSpec pod = sts.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThanOrEqualTo(30L);
        var preferred = pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
        assertThat(preferred).singleElement().satisfies(term -> {
            assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
            assertThat(term.getPodAffinityTerm().getLabelSelector().getMatchLabels())
                    .containsEntry("app.kubernetes.io/instance", "kv");
        });
        assertThat(pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()).isEmpty();
    }

    @Test
    void imagePullPolicyAndResourcesLandOnTheContainer() {
        GoltCluster cluster = TestClusters.cluster("kv", 3);
        cluster.getSpec().image = "registry/golt:2";
        cluster.getSpec().imagePullPolicy = GoltClusterSpec.PullPolicy.Always;
        cluster.getSpec().resources = new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("1Gi"))
                .addToRequests("cpu", new Quantity("500m")).build();
        Container c = container(model(cluster).generateStatefulSet(3, INITIAL));
        assertThat(c.getImage()).isEqualTo("registry/golt:2");
        assertThat(c.getImagePullPolicy()).isEqualTo("Always");
        assertThat(c.getResources().getLimits()).containsEntry("memory", new Quantity("1Gi"));
        assertThat(c.getResources().getRequests()).containsEntry("cpu", new Quantity("500m"));
        assertThat(container(model(TestClusters.cluster("kv", 3)).generateStatefulSet(3, INITIAL))
                .getImagePullPolicy()).isEqualTo("IfNotPresent");
    }

    @Test
    void raftTuningIsLiteralEnvironmentOfThePodTemplateSoItChangesOnlyWithTheRoll() {
        GoltCluster cluster = TestClusters.cluster("kv", 3);
        var before = model(cluster).generateStatefulSet(3, INITIAL).getSpec().getTemplate();
        RaftSpec raft = new RaftSpec();
        raft.tickMs = 20;
        raft.electionTicksMin = 10;
        raft.electionTicksMax = 20;
        raft.heartbeatTicks = 3;
        raft.snapshotThresholdEntries = 500L;
        raft.snapshotKeepEntries = 100L;
        raft.memtableBytes = 1024L;
        raft.cacheBytes = 2048L;
        raft.walFsync = false;
        raft.maxKeyBytes = 64;
        raft.maxValueBytes = 128;
        cluster.getSpec().raft = raft;
        GoltClusterModel model = model(cluster);
        Map<String, String> expected = Map.ofEntries(
                Map.entry("GOLT_RAFT_TICK_MS", "20"), Map.entry("GOLT_RAFT_ELECTION_TICKS_MIN", "10"),
                Map.entry("GOLT_RAFT_ELECTION_TICKS_MAX", "20"), Map.entry("GOLT_RAFT_HEARTBEAT_TICKS", "3"),
                Map.entry("GOLT_SNAPSHOT_THRESHOLD_ENTRIES", "500"), Map.entry("GOLT_SNAPSHOT_KEEP_ENTRIES", "100"),
                Map.entry("GOLT_STORAGE_MEMTABLE_BYTES", "1024"), Map.entry("GOLT_STORAGE_CACHE_BYTES", "2048"),
                Map.entry("GOLT_WAL_FSYNC", "false"), Map.entry("GOLT_LIMITS_MAX_KEY_BYTES", "64"),
                Map.entry("GOLT_LIMITS_MAX_VALUE_BYTES", "128"));
        assertThat(model.nodeEnvironment()).isEqualTo(expected);
        var after = model.generateStatefulSet(3, INITIAL).getSpec().getTemplate();
        Container c = after.getSpec().getContainers().get(0);
        expected.forEach((key, value) -> assertThat(env(c, key)).as(key).isEqualTo(value));
        assertThat(c.getEnvFrom()).as("no mutable ConfigMap a crash-restart could pick up early").isEmpty();
        assertThat(after).isNotEqualTo(before);
    }

    @Test
    void jsonLogsAreOneEnvironmentVariableOfThePodTemplateAndTextIsTheDefault() {
        GoltCluster cluster = TestClusters.cluster("kv", 3);
        assertThat(model(cluster).nodeEnvironment()).doesNotContainKey("QUARKUS_LOG_CONSOLE_JSON_ENABLED");
        var before = model(cluster).generateStatefulSet(3, INITIAL).getSpec().getTemplate();
        cluster.getSpec().logFormat = GoltClusterSpec.LogFormat.json;
        var after = model(cluster).generateStatefulSet(3, INITIAL).getSpec().getTemplate();
        assertThat(env(after.getSpec().getContainers().get(0), "QUARKUS_LOG_CONSOLE_JSON_ENABLED")).isEqualTo("true");
        assertThat(after).as("a format change rolls the pods").isNotEqualTo(before);
    }

    @Test
    void theBootstrapStateReachesThePodFromTheBootstrapConfigMapAtEachContainerStart() {
        GoltClusterModel model = model(TestClusters.cluster("kv", 3));
        assertThat(model.generateBootstrapConfig(false).getData()).containsExactly(Map.entry("initial-cluster-state", "new"));
        assertThat(model.generateBootstrapConfig(true).getData()).containsExactly(Map.entry("initial-cluster-state", "existing"));
        assertThat(model.generateBootstrapConfig(true).getMetadata().getName()).isEqualTo("kv-bootstrap");
        Container c = container(model.generateStatefulSet(3, INITIAL));
        EnvVar state = c.getEnv().stream().filter(e -> e.getName().equals("GOLT_INITIAL_CLUSTER_STATE")).findFirst()
                .orElseThrow();
        assertThat(state.getValue()).isNull();
        assertThat(state.getValueFrom().getConfigMapKeyRef().getName()).isEqualTo("kv-bootstrap");
        assertThat(state.getValueFrom().getConfigMapKeyRef().getKey()).isEqualTo("initial-cluster-state");
        assertThat(state.getValueFrom().getConfigMapKeyRef().getOptional()).isFalse();
    }

    @Test
    void eachNewValueOfTheRestartAnnotationIsANewPodTemplate() {
        GoltCluster cluster = TestClusters.cluster("kv", 3);
        var before = model(cluster).generateStatefulSet(3, INITIAL).getSpec().getTemplate();
        cluster.getMetadata().setAnnotations(Map.of("golt.dev/restart", "2026-01-02"));
        var after = model(cluster).generateStatefulSet(3, INITIAL).getSpec().getTemplate();
        assertThat(after.getMetadata().getAnnotations()).containsEntry("golt.dev/restart", "2026-01-02");
        assertThat(after).isNotEqualTo(before);
        cluster.getMetadata().setAnnotations(Map.of("golt.dev/restart", "true"));
        var typed = model(cluster).generateStatefulSet(3, INITIAL).getSpec().getTemplate();
        assertThat(typed.getMetadata().getAnnotations()).containsEntry("golt.dev/restart", "true");
        assertThat(typed).isNotEqualTo(after);
        assertThat(model(cluster).generateStatefulSet(3, INITIAL).getSpec().getTemplate()).as("same value, same template")
                .isEqualTo(typed);
    }

    @Test
    void headlessServicePublishesNotReadyAddresses() {
        Service svc = model(TestClusters.cluster("kv", 3)).generateHeadlessService();
        assertThat(svc.getMetadata().getName()).isEqualTo("kv-headless");
        assertThat(svc.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(svc.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(svc.getSpec().getSelector()).containsEntry("app.kubernetes.io/instance", "kv");
        assertThat(svc.getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort())
                .containsExactly("raft:7000", "http:8000", "etcd:2379");
    }

    @Test
    void clientServiceExposesHttpAndTheEtcdApi() {
        Service svc = model(TestClusters.cluster("kv", 3)).generateClientService();
        assertThat(svc.getMetadata().getName()).isEqualTo("kv");
        assertThat(svc.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(svc.getSpec().getPublishNotReadyAddresses()).isNull();
        assertThat(svc.getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort()).containsExactly("http:8000", "etcd:2379");
    }

    @Test
    void podDisruptionBudgetAllowsOnlyWhatKeepsAQuorum() {
        Map<Integer, Integer> maxUnavailable = new java.util.TreeMap<>();
        for (int members = 1; members <= 9; members++) {
            maxUnavailable.put(members, model(TestClusters.cluster("kv", members)).generatePodDisruptionBudget()
                    .getSpec().getMaxUnavailable().getIntVal());
        }
        assertThat(maxUnavailable).containsExactly(Map.entry(1, 0), Map.entry(2, 0), Map.entry(3, 1), Map.entry(4, 1),
                Map.entry(5, 2), Map.entry(6, 2), Map.entry(7, 3), Map.entry(8, 3), Map.entry(9, 4));
        GoltCluster cluster = TestClusters.cluster("kv", 3);
        PodDisruptionBudget pdb = model(cluster).generatePodDisruptionBudget();
        assertThat(pdb.getSpec().getUnhealthyPodEvictionPolicy()).isEqualTo("AlwaysAllow");
        assertThat(pdb.getSpec().getMinAvailable()).isNull();
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).containsEntry("app.kubernetes.io/instance", "kv");
        assertThat(model(cluster).podDisruptionBudgetEnabled()).isTrue();
        cluster.getSpec().podDisruptionBudget = new PodDisruptionBudgetSpec();
        cluster.getSpec().podDisruptionBudget.enabled = false;
        assertThat(model(cluster).podDisruptionBudgetEnabled()).isFalse();
    }

    @Test
    void pauseClaimsAndRollingDefaults() {
        GoltCluster cluster = TestClusters.cluster("kv", 3);
        GoltClusterModel model = model(cluster);
        assertThat(model.paused()).isFalse();
        assertThat(model.deleteClaimsOnScaleDown()).isFalse();
        assertThat(model.readyTimeoutSeconds()).isEqualTo(300);
        assertThat(model.maxLagEntries()).isEqualTo(100);
        assertThat(model.snapshotIntervalSeconds()).isNull();
        cluster.getMetadata().setAnnotations(Map.of("golt.dev/paused", "true"));
        assertThat(model(cluster).paused()).isTrue();
        cluster.getMetadata().setAnnotations(Map.of());
        cluster.getSpec().paused = true;
        assertThat(model(cluster).paused()).isTrue();
        cluster.getSpec().storage = new StorageSpec();
        cluster.getSpec().storage.claimOnScaleDown = StorageSpec.ClaimPolicy.Delete;
        assertThat(model(cluster).deleteClaimsOnScaleDown()).isTrue();
    }
}
