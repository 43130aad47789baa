package dev.golt.e2e.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.golt.e2e.Await;
import dev.golt.e2e.GoltClusters;
import dev.golt.e2e.LoadWriter;
import dev.golt.e2e.NodeHttp;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

/**
 * One GoltCluster in its own namespace, for one scenario of {@link OperatorFindingsE2eTest}: created
 * with small Raft timeouts, observed the way a user (and kubectl) sees it, and deleted with its
 * namespace at the end so node processes do not pile up.
 */
final class ScenarioCluster implements AutoCloseable {
    static final Duration BOUND = Duration.ofSeconds(Long.getLong("golt.e2e.boundSeconds", 240));

    final KubeEnvironment env;
    final KubernetesClient client;
    final String ns;
    final String name;
    final GoltClusters clusters;
    final NodeHttp node = new NodeHttp();

    private ScenarioCluster(KubeEnvironment env, String ns, String name) {
        this.env = env;
        this.client = env.client();
        this.ns = ns;
        this.name = name;
        this.clusters = new GoltClusters(client, ns);
    }

    /** A namespace (with these labels) and no cluster yet. */
    static ScenarioCluster namespace(KubeEnvironment env, String ns, String name, Map<String, String> labels) {
        KubeEnvironment.createNamespace(env.client(), ns, labels);
        return new ScenarioCluster(env, ns, name);
    }

    /** A namespace and a cluster of {@code replicas} members, not waited for. */
    static ScenarioCluster create(KubeEnvironment env, String ns, String name, int replicas,
                                  Consumer<Map<String, Object>> specChange) {
        ScenarioCluster c = namespace(env, ns, name, Map.of());
        c.createCluster(replicas, specChange);
        return c;
    }

    /** Creates the GoltCluster (small raft timeouts, 1Gi claims deleted on scale-down). */
    @SuppressWarnings("unchecked")
    GenericKubernetesResource createCluster(int replicas, Consumer<Map<String, Object>> specChange) {
        GenericKubernetesResource resource = Serialization.unmarshal("""
                apiVersion: golt.dev/v1alpha1
                kind: GoltCluster
                metadata:
                  name: %s
                spec:
                  replicas: %d
                  image: %s
                  imagePullPolicy: IfNotPresent
                  storage:
                    size: 1Gi
                    claimOnScaleDown: Delete
                  raft:
                    tickMs: 20
                    electionTicksMin: 50
                    electionTicksMax: 100
                    heartbeatTicks: 5
                    snapshotThresholdEntries: 100000
                """.formatted(name, replicas, env.nodeImage()), GenericKubernetesResource.class);
        specChange.accept((Map<String, Object>) resource.getAdditionalProperties().get("spec"));
        return client.genericKubernetesResources(GoltClusters.CONTEXT).inNamespace(ns).resource(resource).create();
    }

    // ---- the cluster as kubectl shows it ----

    GenericKubernetesResource cluster() {
        return clusters.get(name);
    }

    long generation() {
        return cluster().getMetadata().getGeneration();
    }

    void editSpec(Consumer<Map<String, Object>> change) {
        clusters.editSpec(name, change);
    }

    void annotate(String key, String value) {
        clusters.annotate(name, key, value);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> raft(Map<String, Object> spec) {
        return (Map<String, Object>) spec.computeIfAbsent("raft", k -> new LinkedHashMap<>());
    }

    boolean conditionTrue(String type) {
        return GoltClusters.isTrue(cluster(), type);
    }

    String reason(String type) {
        return GoltClusters.condition(cluster(), type).map(c -> (String) c.get("reason")).orElse(null);
    }

    String message(String type) {
        return GoltClusters.condition(cluster(), type).map(c -> (String) c.get("message")).orElse(null);
    }

    /** Ready=True for the current generation with {@code replicas} ready members and pods. */
    boolean ready(int replicas) {
        GenericKubernetesResource c = cluster();
        Map<String, Object> status = GoltClusters.status(c);
        return GoltClusters.isTrue(c, "Ready") && Integer.valueOf(replicas).equals(status.get("readyReplicas"))
                && c.getMetadata().getGeneration().equals(((Number) status.getOrDefault("observedGeneration", -1)).longValue())
                && pods().size() == replicas;
    }

    void awaitReady(int replicas) {
        await(replicas + " members ready", () -> ready(replicas));
    }

    /** Every node's configuration and status.members are exactly the voters {@code name-0..replicas-1}. */
    void awaitMembership(int replicas) {
        Set<String> expected = new HashSet<>(podNames(replicas));
        await("membership " + expected + " on every node and in status", () -> {
            for (String pod : podNames(replicas)) {
                JsonNode members = node.status(uri(pod)).get("members");
                if (!voters(members).equals(expected) || members.size() != replicas) {
                    return false;
                }
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> members = (List<Map<String, Object>>) GoltClusters.status(cluster())
                    .getOrDefault("members", List.of());
            return members.stream().map(m -> (String) m.get("id")).collect(Collectors.toSet()).equals(expected);
        });
    }

    static Set<String> voters(JsonNode members) {
        return StreamSupport.stream(members.spliterator(), false)
                .filter(m -> "voter".equals(m.get("role").asText())).map(m -> m.get("id").asText())
                .collect(Collectors.toSet());
    }

    // ---- pods and nodes ----

    List<Pod> pods() {
        return client.pods().inNamespace(ns).list().getItems();
    }

    Pod pod(String pod) {
        return client.pods().inNamespace(ns).withName(pod).get();
    }

    /** As {@code kubectl patch pod --type merge}: no resourceVersion, so the kubelet's status writes cannot conflict. */
    void mergePatchPod(String pod, Map<String, Object> patch) {
        client.pods().inNamespace(ns).withName(pod).patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
    }

    String podName(int ordinal) {
        return name + "-" + ordinal;
    }

    List<String> podNames(int replicas) {
        return IntStream.range(0, replicas).mapToObj(this::podName).toList();
    }

    Map<String, String> podUids() {
        Map<String, String> uids = new LinkedHashMap<>();
        pods().forEach(p -> uids.put(p.getMetadata().getName(), p.getMetadata().getUid()));
        return uids;
    }

    URI uri(String pod) {
        return env.nodeUri(ns, pod);
    }

    static boolean isReady(Pod p) {
        return p != null && p.getStatus() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    int restarts(String pod) {
        return restarts(pod(pod));
    }

    static int restarts(Pod p) {
        return p == null || p.getStatus() == null || p.getStatus().getContainerStatuses().isEmpty()
                ? 0 : p.getStatus().getContainerStatuses().get(0).getRestartCount();
    }

    StatefulSet statefulSet() {
        return client.apps().statefulSets().inNamespace(ns).withName(name).get();
    }

    /** The StatefulSet controller saw the latest template and every pod was made from its update revision. */
    boolean rolledOut() {
        StatefulSet sts = statefulSet();
        if (sts == null || sts.getStatus() == null || sts.getStatus().getObservedGeneration() == null
                || sts.getStatus().getObservedGeneration() < sts.getMetadata().getGeneration()) {
            return false;
        }
        String revision = sts.getStatus().getUpdateRevision();
        return pods().stream().allMatch(p -> revision.equals(p.getMetadata().getLabels().get("controller-revision-hash")));
    }

    /** The leader every node agrees on, or null. */
    String nodeLeader() throws Exception {
        Set<String> leaders = new HashSet<>();
        for (Pod pod : pods()) {
            JsonNode leader = node.status(uri(pod.getMetadata().getName())).get("leader");
            leaders.add(leader == null || leader.isNull() ? null : leader.asText());
        }
        return leaders.size() == 1 ? leaders.iterator().next() : null;
    }

    String awaitLeader() {
        String[] leader = new String[1];
        await("nodes agree on a leader", () -> (leader[0] = nodeLeader()) != null);
        return leader[0];
    }

    void await(String what, Callable<Boolean> condition) {
        await(what, BOUND, condition);
    }

    void await(String what, Duration bound, Callable<Boolean> condition) {
        try {
            Await.until(ns + "/" + name + ": " + what, bound, condition);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nstatus: " + GoltClusters.status(cluster()) + "\n"
                    + env.diagnostics(ns, podNames(5)), e);
        }
    }

    /** Deletes the cluster and its namespace and waits until their node processes stopped. */
    @Override
    public void close() {
        clusters.named(name).delete();
        Await.until(ns + ": pods gone", BOUND, () -> pods().isEmpty()
                && env.kubelet().activeProcessesIn(ns) == 0);
        client.namespaces().withName(ns).delete();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Every pod incarnation (uid) seen per pod name, sampled until stopped. */
    final class PodSampler implements AutoCloseable {
        final Map<String, Set<String>> uids = new ConcurrentHashMap<>();
        /** Samples at which more than {@code maxDown} members were not ready (or missing). */
        final List<String> tooManyDown = new CopyOnWriteArrayList<>();
        private final int members;
        private final int maxDown;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        PodSampler(int members, int maxDown) {
            this.members = members;
            this.maxDown = maxDown;
            sample();
            thread = Thread.ofVirtual().name("pod-sampler-" + ns).start(() -> {
                while (!stop.get()) {
                    try {
                        sample();
                    } catch (RuntimeException apiHiccup) {
                        // next sample
                    }
                    ScenarioCluster.sleep(100);
                }
            });
        }

        private void sample() {
            List<Pod> now = pods();
            Set<String> up = new HashSet<>();
            for (Pod p : now) {
                uids.computeIfAbsent(p.getMetadata().getName(), k -> new LinkedHashSet<>()).add(p.getMetadata().getUid());
                if (isReady(p) && p.getMetadata().getDeletionTimestamp() == null) {
                    up.add(p.getMetadata().getName());
                }
            }
            Set<String> down = new java.util.TreeSet<>(podNames(members));
            down.removeAll(up);
            if (down.size() > maxDown) {
                tooManyDown.add(java.time.Instant.now() + " down " + down);
            }
        }

        int incarnations(String pod) {
            return uids.getOrDefault(pod, Set.of()).size();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join();
        }
    }

    /** A {@link LoadWriter} on this cluster's pods, pausing 20 ms between writes. */
    LoadWriter loadWriter(String prefix) {
        return new LoadWriter(client, ns, pod -> true, this::uri, prefix, 20);
    }
}
