package dev.golt.operator.model;

import dev.golt.operator.crd.GoltCluster;
import dev.golt.operator.crd.GoltClusterSpec;
import dev.golt.operator.crd.RaftSpec;
import dev.golt.operator.crd.StorageSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The desired Kubernetes objects of one GoltCluster, computed without any server (Strimzi's
 * {@code KafkaCluster} idea): every {@code generateX()} is a pure function of the custom resource
 * and the few facts the reconciler passes in (the StatefulSet size, the bootstrap members, whether
 * the cluster has formed, the claim templates of an existing StatefulSet).
 */
public final class GoltClusterModel {

    public static final int RAFT_PORT = 7000;
    public static final int HTTP_PORT = 8000;
    /** etcd's client port: the node's etcd v3 gRPC API ({@code --grpc}). */
    public static final int ETCD_PORT = 2379;
    public static final String DATA_PATH = "/var/lib/golt";
    public static final String DATA_VOLUME = "data";
    public static final String CONTAINER = "golt";
    public static final long TERMINATION_GRACE_SECONDS = 60;
    public static final String DEFAULT_STORAGE_SIZE = "1Gi";
    /** The uid and gid the node image runs as (docker/node.Dockerfile); fsGroup makes the data volume writable. */
    public static final long NODE_UID = 10001;

    public static final String LABEL_NAME = "app.kubernetes.io/name";
    public static final String LABEL_INSTANCE = "app.kubernetes.io/instance";
    public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String LABEL_COMPONENT = "app.kubernetes.io/component";
    public static final String ANNOTATION_INITIAL_MEMBERS = "golt.dev/initial-members";
    public static final String MANAGED_BY = "golt-operator";
    /** Selects every object the operator creates; its informers watch only these. */
    public static final String MANAGED_BY_SELECTOR = LABEL_MANAGED_BY + "=" + MANAGED_BY;
    public static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local";
    /** Key of the bootstrap ConfigMap the kubelet reads into GOLT_INITIAL_CLUSTER_STATE at each container start. */
    public static final String BOOTSTRAP_KEY = "initial-cluster-state";
    public static final String STATE_NEW = "new";
    public static final String STATE_EXISTING = "existing";
    public static final String TMP_VOLUME = "tmp";

    private final GoltCluster cluster;
    private final GoltClusterSpec spec;
    private final String name;
    private final String namespace;
    private final String clusterDomain;

    public GoltClusterModel(GoltCluster cluster) {
        this(cluster, DEFAULT_CLUSTER_DOMAIN);
    }

    /** @param clusterDomain the cluster's DNS domain (kubelet {@code --cluster-domain}), e.g. cluster.local */
    public GoltClusterModel(GoltCluster cluster, String clusterDomain) {
        this.cluster = cluster;
        this.clusterDomain = clusterDomain;
        this.spec = cluster.getSpec();
        this.name = cluster.getMetadata().getName();
        this.namespace = cluster.getMetadata().getNamespace();
    }

    public String name() {
        return name;
    }

    public String namespace() {
        return namespace;
    }

    public int replicas() {
        return spec.replicas == null ? 3 : spec.replicas;
    }

    public String statefulSetName() {
        return name;
    }

    public String headlessServiceName() {
        return name + "-headless";
    }

    public String clientServiceName() {
        return name;
    }

    public String bootstrapConfigMapName() {
        return name + "-bootstrap";
    }

    public String podDisruptionBudgetName() {
        return name;
    }

    public String podName(int ordinal) {
        return name + "-" + ordinal;
    }

    /** Ordinal of a member id of this cluster, or -1 when the id is not one of its pods. */
    public int ordinalOf(String memberId) {
        String prefix = name + "-";
        if (memberId == null || !memberId.startsWith(prefix)) {
            return -1;
        }
        try {
            return Integer.parseInt(memberId.substring(prefix.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public String claimName(int ordinal) {
        return DATA_VOLUME + "-" + podName(ordinal);
    }

    /** Stable DNS name of a member through the headless Service. */
    public String memberHost(String memberId) {
        return memberId + "." + headlessServiceName() + "." + namespace + ".svc." + clusterDomain;
    }

    public String raftAddress(String memberId) {
        return memberHost(memberId) + ":" + RAFT_PORT;
    }

    public List<String> memberIds(int count) {
        return IntStream.range(0, count).mapToObj(this::podName).toList();
    }

    /** The label selector of the member pods as a string (status.selector, for the scale subresource). */
    public String selectorString() {
        return selectorLabels().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    public Map<String, String> selectorLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_NAME, "golt");
        labels.put(LABEL_INSTANCE, name);
        return labels;
    }

    public Map<String, String> labels() {
        Map<String, String> labels = selectorLabels();
        labels.put(LABEL_COMPONENT, "node");
        labels.put(LABEL_MANAGED_BY, MANAGED_BY);
        return labels;
    }

    public OwnerReference ownerReference() {
        return new OwnerReferenceBuilder()
                .withApiVersion(cluster.getApiVersion())
                .withKind(cluster.getKind())
                .withName(name)
                .withUid(cluster.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    private ObjectMeta metadata(String objectName) {
        return new ObjectMetaBuilder()
                .withName(objectName)
                .withNamespace(namespace)
                .withLabels(labels())
                .withOwnerReferences(ownerReference())
                .build();
    }

    /** Node tuning and log format as the node's environment variables (NODE-CONTRACT.md), sorted so the template is stable. */
    public Map<String, String> nodeEnvironment() {
        Map<String, String> env = new TreeMap<>();
        RaftSpec raft = spec.raft;
        if (raft != null) {
            put(env, "GOLT_RAFT_TICK_MS", raft.tickMs);
            put(env, "GOLT_RAFT_ELECTION_TICKS_MIN", raft.electionTicksMin);
            put(env, "GOLT_RAFT_ELECTION_TICKS_MAX", raft.electionTicksMax);
            put(env, "GOLT_RAFT_HEARTBEAT_TICKS", raft.heartbeatTicks);
            put(env, "GOLT_SNAPSHOT_THRESHOLD_ENTRIES", raft.snapshotThresholdEntries);
            put(env, "GOLT_SNAPSHOT_KEEP_ENTRIES", raft.snapshotKeepEntries);
            put(env, "GOLT_STORAGE_MEMTABLE_BYTES", raft.memtableBytes);
            put(env, "GOLT_STORAGE_CACHE_BYTES", raft.cacheBytes);
            put(env, "GOLT_WAL_FSYNC", raft.walFsync);
            put(env, "GOLT_LIMITS_MAX_KEY_BYTES", raft.maxKeyBytes);
            put(env, "GOLT_LIMITS_MAX_VALUE_BYTES", raft.maxValueBytes);
        }
        if (spec.logFormat == GoltClusterSpec.LogFormat.json) {
            env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true");
        }
        return env;
    }

    private static void put(Map<String, String> env, String key, Object value) {
        if (value != null) {
            env.put(key, String.valueOf(value));
        }
    }

    /**
     * The bootstrap ConfigMap: {@code new} until the operator has seen the cluster formed, then
     * {@code existing} forever. Pods read it through {@code configMapKeyRef} at every container start,
     * so a member whose volume is empty after that (regrown, or its disk lost) waits to be added
     * instead of bootstrapping a second cluster; the pod template does not change, so nothing rolls.
     */
    public ConfigMap generateBootstrapConfig(boolean bootstrapped) {
        return new ConfigMapBuilder()
                .withMetadata(metadata(bootstrapConfigMapName()))
                .withData(Map.of(BOOTSTRAP_KEY, bootstrapped ? STATE_EXISTING : STATE_NEW))
                .build();
    }

    public Service generateHeadlessService() {
        return new ServiceBuilder()
                .withMetadata(metadata(headlessServiceName()))
                .withNewSpec()
                    .withClusterIP("None")
                    // The API server's default, stated: JOSDK's matcher diffs desired against actual as a
                    // JSON Patch and counts the "copy" it emits for a defaulted "None" equal to clusterIP's
                    // as a change, so without it the Service was updated on every pass.
                    .withSessionAffinity("None")
                    .withPublishNotReadyAddresses(true)
                    .withSelector(selectorLabels())
                    .addNewPort().withName("raft").withPort(RAFT_PORT)
                        .withTargetPort(new IntOrString(RAFT_PORT)).withProtocol("TCP").endPort()
                    .addNewPort().withName("http").withPort(HTTP_PORT)
                        .withTargetPort(new IntOrString(HTTP_PORT)).withProtocol("TCP").endPort()
                    .addNewPort().withName("etcd").withPort(ETCD_PORT)
                        .withTargetPort(new IntOrString(ETCD_PORT)).withProtocol("TCP").endPort()
                .endSpec()
                .build();
    }

    public Service generateClientService() {
        return new ServiceBuilder()
                .withMetadata(metadata(clientServiceName()))
                .withNewSpec()
                    .withType("ClusterIP")
                    .withSelector(selectorLabels())
                    .addNewPort().withName("http").withPort(HTTP_PORT)
                        .withTargetPort(new IntOrString(HTTP_PORT)).withProtocol("TCP").endPort()
                    .addNewPort().withName("etcd").withPort(ETCD_PORT)
                        .withTargetPort(new IntOrString(ETCD_PORT)).withProtocol("TCP").endPort()
                .endSpec()
                .build();
    }

    /**
     * Voluntary disruptions may take down only what keeps a quorum: {@code members - quorum}, so 0 for
     * one or two members (every eviction refused), 1 for three or four, 2 for five. Unhealthy pods may
     * always be evicted: they serve nobody, and a drain must not wait on a crash-looping member.
     */
    public int maxUnavailable() {
        int members = replicas();
        return members - (members / 2 + 1);
    }

    public PodDisruptionBudget generatePodDisruptionBudget() {
        return new PodDisruptionBudgetBuilder()
                .withMetadata(metadata(podDisruptionBudgetName()))
                .withNewSpec()
                    .withMaxUnavailable(new IntOrString(maxUnavailable()))
                    .withUnhealthyPodEvictionPolicy("AlwaysAllow")
                    .withNewSelector().withMatchLabels(selectorLabels()).endSelector()
                .endSpec()
                .build();
    }

    public boolean podDisruptionBudgetEnabled() {
        return spec.podDisruptionBudget == null || !Boolean.FALSE.equals(spec.podDisruptionBudget.enabled);
    }

    /**
     * The member StatefulSet.
     *
     * @param statefulSetReplicas pods to run; larger than {@code spec.replicas} while members above the
     *     new size are still being removed from the Raft configuration
     * @param initialMembers the ids that bootstrapped the cluster (fixed at creation)
     */
    public StatefulSet generateStatefulSet(int statefulSetReplicas, List<String> initialMembers) {
        return generateStatefulSet(statefulSetReplicas, initialMembers, null);
    }

    /**
     * @param existingClaimTemplates the claim templates of the StatefulSet as it exists, kept as they
     *     are: the API server refuses (422) any update that changes them, which would stop every
     *     later step; null when there is no StatefulSet yet
     */
    public StatefulSet generateStatefulSet(int statefulSetReplicas, List<String> initialMembers,
                                           List<PersistentVolumeClaim> existingClaimTemplates) {
        String initial = String.join(",", initialMembers);
        String peers = initialMembers.stream().map(id -> id + "=" + raftAddress(id)).collect(Collectors.joining(","));
        Map<String, String> podAnnotations = new TreeMap<>();
        // The value, whatever it is, is part of the template: a new value is a new revision, rolled once.
        String restart = annotation(GoltCluster.ANNOTATION_RESTART);
        if (restart != null) {
            podAnnotations.put(GoltCluster.ANNOTATION_RESTART, restart);
        }
        ObjectMeta meta = metadata(statefulSetName());
        meta.setAnnotations(Map.of(ANNOTATION_INITIAL_MEMBERS, initial));
        return new StatefulSetBuilder()
                .withMetadata(meta)
                .withNewSpec()
                    .withReplicas(statefulSetReplicas)
                    .withServiceName(headlessServiceName())
                    .withPodManagementPolicy("Parallel")
                    .withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy()
                    .withNewSelector().withMatchLabels(selectorLabels()).endSelector()
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels()).withAnnotations(podAnnotations).endMetadata()
                        .withNewSpec()
                            .withTerminationGracePeriodSeconds(TERMINATION_GRACE_SECONDS)
                            // PodSecurity "restricted": non-root, no privilege escalation, no capabilities, RuntimeDefault seccomp.
                            .withNewSecurityContext()
                                .withRunAsNonRoot(true)
                                .withRunAsUser(NODE_UID)
                                .withRunAsGroup(NODE_UID)
                                .withFsGroup(NODE_UID)
                                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                            .endSecurityContext()
                            .withNewAffinity().withNewPodAntiAffinity()
                                .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                                    .withWeight(100)
                                    .withNewPodAffinityTerm()
                                        .withTopologyKey("kubernetes.io/hostname")
                                        .withNewLabelSelector().withMatchLabels(selectorLabels()).endLabelSelector()
                                    .endPodAffinityTerm()
                                .endPreferredDuringSchedulingIgnoredDuringExecution()
                            .endPodAntiAffinity().endAffinity()
                            .addNewContainer()
                                .withName(CONTAINER)
                                .withImage(spec.image)
                                .withImagePullPolicy(spec.imagePullPolicy == null ? "IfNotPresent" : spec.imagePullPolicy.name())
                                .withArgs(args())
                                .withEnv(environment(initial, peers))
                                .withNewSecurityContext()
                                    .withAllowPrivilegeEscalation(false)
                                    .withReadOnlyRootFilesystem(true)
                                    .withRunAsNonRoot(true)
                                    .withNewCapabilities().withDrop("ALL").endCapabilities()
                                    .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                                .endSecurityContext()
                                .addNewPort().withName("raft").withContainerPort(RAFT_PORT).withProtocol("TCP").endPort()
                                .addNewPort().withName("http").withContainerPort(HTTP_PORT).withProtocol("TCP").endPort()
                                .addNewPort().withName("etcd").withContainerPort(ETCD_PORT).withProtocol("TCP").endPort()
                                .withReadinessProbe(probe("/q/health/ready", 5, 3))
                                .withLivenessProbe(probe("/q/health/live", 30, 6))
                                .withResources(spec.resources == null ? new ResourceRequirements() : spec.resources)
                                .addNewVolumeMount().withName(DATA_VOLUME).withMountPath(DATA_PATH).endVolumeMount()
                                // The root filesystem is read-only; the JVM and Quarkus still write to /tmp.
                                .addNewVolumeMount().withName(TMP_VOLUME).withMountPath("/tmp").endVolumeMount()
                            .endContainer()
                            .addNewVolume().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().endVolume()
                        .endSpec()
                    .endTemplate()
                    .withVolumeClaimTemplates(existingClaimTemplates == null || existingClaimTemplates.isEmpty()
                            ? List.of(volumeClaimTemplate()) : existingClaimTemplates)
                .endSpec()
                .build();
    }

    private List<String> args() {
        return List.of(
                "--id", "$(POD_NAME)",
                "--address", "$(POD_IP):" + RAFT_PORT,
                "--http", "$(POD_IP):" + HTTP_PORT,
                "--grpc", "$(POD_IP):" + ETCD_PORT,
                "--advertise", "$(POD_NAME)." + headlessServiceName() + ".$(POD_NAMESPACE).svc." + clusterDomain + ":" + RAFT_PORT,
                "--peers", "$(GOLT_CLUSTER_PEERS)",
                "--initial-members", "$(GOLT_CLUSTER_INITIAL_MEMBERS)",
                "--data", DATA_PATH);
    }

    /**
     * Downward API, peers, the bootstrap state and the tuning. The tuning is literal values in the
     * template, not a ConfigMap: a crash-restart must not pick up new settings before the controlled
     * roll does. The bootstrap state is the one value read at each container start, on purpose.
     */
    private List<EnvVar> environment(String initialMembers, String peers) {
        List<EnvVar> env = new java.util.ArrayList<>(List.of(
                fieldRef("POD_NAME", "metadata.name"),
                fieldRef("POD_NAMESPACE", "metadata.namespace"),
                fieldRef("POD_IP", "status.podIP"),
                new EnvVarBuilder().withName("GOLT_CLUSTER_PEERS").withValue(peers).build(),
                new EnvVarBuilder().withName("GOLT_CLUSTER_INITIAL_MEMBERS").withValue(initialMembers).build(),
                new EnvVarBuilder().withName("GOLT_INITIAL_CLUSTER_STATE").withNewValueFrom()
                        .withNewConfigMapKeyRef().withName(bootstrapConfigMapName()).withKey(BOOTSTRAP_KEY)
                        .withOptional(false).endConfigMapKeyRef().endValueFrom().build()));
        nodeEnvironment().forEach((key, value) -> env.add(new EnvVarBuilder().withName(key).withValue(value).build()));
        return env;
    }

    private static EnvVar fieldRef(String name, String path) {
        return new EnvVarBuilder().withName(name)
                .withNewValueFrom().withNewFieldRef().withFieldPath(path).endFieldRef().endValueFrom()
                .build();
    }

    private static Probe probe(String path, int periodSeconds, int failureThreshold) {
        return new ProbeBuilder()
                .withNewHttpGet().withPath(path).withPort(new IntOrString("http")).endHttpGet()
                .withPeriodSeconds(periodSeconds)
                .withTimeoutSeconds(3)
                .withFailureThreshold(failureThreshold)
                .build();
    }

    /** The claim template the spec asks for (an existing StatefulSet keeps its own). */
    public PersistentVolumeClaim volumeClaimTemplate() {
        StorageSpec storage = spec.storage;
        String size = storage == null || storage.size == null ? DEFAULT_STORAGE_SIZE : storage.size;
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(DATA_VOLUME).withLabels(labels()).endMetadata()
                .withNewSpec()
                    .withAccessModes("ReadWriteOnce")
                    .withStorageClassName(storage == null ? null : storage.storageClassName)
                    .withNewResources().addToRequests("storage", new Quantity(size)).endResources()
                .endSpec()
                .build();
    }

    public boolean deleteClaimsOnScaleDown() {
        return spec.storage != null && spec.storage.claimOnScaleDown == StorageSpec.ClaimPolicy.Delete;
    }

    public boolean paused() {
        return Boolean.TRUE.equals(spec.paused) || "true".equalsIgnoreCase(annotation(GoltCluster.ANNOTATION_PAUSED));
    }

    public String annotation(String key) {
        Map<String, String> annotations = cluster.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }

    public long readyTimeoutSeconds() {
        return spec.rollingRestart == null || spec.rollingRestart.readyTimeoutSeconds == null
                ? 300 : spec.rollingRestart.readyTimeoutSeconds;
    }

    public long maxLagEntries() {
        return spec.rollingRestart == null || spec.rollingRestart.maxLagEntries == null
                ? 100 : spec.rollingRestart.maxLagEntries;
    }

    public Long snapshotIntervalSeconds() {
        return spec.snapshots == null ? null : spec.snapshots.intervalSeconds;
    }

    public String image() {
        return spec.image;
    }

    public GoltCluster cluster() {
        return cluster;
    }
}
