package dev.golt.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

import org.assertj.core.api.SoftAssertions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The e2e scenarios of issue 9, written once against {@link E2eEnvironment} and run in order on
 * one GoltCluster named {@value #CLUSTER} by each mode. Every scenario asserts.
 */
public final class GoltScenarios {
    public static final String CLUSTER = "golt";
    /** How long one step may take; node start-up takes 5 s on an idle 2-core machine, 50 s on a starved one. */
    private static final Duration BOUND = Duration.ofSeconds(Long.getLong("golt.e2e.boundSeconds", 300));
    private static final String SNAPSHOT_ANNOTATION = "golt.dev/snapshot";
    private static final int KEYS = 1_000;
    /** Concurrent clients writing or reading the keys (as several application instances would). */
    private static final int CLIENTS = 8;

    private final E2eEnvironment env;
    private final KubernetesClient client;
    private final String ns;
    private final GoltClusters clusters;
    private final NodeHttp node = new NodeHttp();

    public GoltScenarios(E2eEnvironment env) {
        this.env = env;
        this.client = env.client();
        this.ns = env.namespace();
        this.clusters = new GoltClusters(client, ns);
    }

    /** 1. A 3-member GoltCluster becomes Ready; status.leader and members agree with the nodes. */
    public void createThreeMembersBecomesReady() {
        clusters.create("""
                apiVersion: golt.dev/v1alpha1
                kind: GoltCluster
                metadata:
                  name: %s
                spec:
                  replicas: 3
                  image: %s
                  imagePullPolicy: IfNotPresent
                  storage:
                    size: 1Gi
                    claimOnScaleDown: Delete
                  raft:
                    # Election timeout 1-2 s: CI machines with 2 busy cores starve JVMs for longer than
                    # the default 150-300 ms, which would cause elections no production cluster sees.
                    tickMs: 20
                    electionTicksMin: 50
                    electionTicksMax: 100
                    heartbeatTicks: 5
                    snapshotThresholdEntries: 100000
                """.formatted(CLUSTER, env.nodeImage()));
        awaitReady(3);
        awaitMembership(3);
        await("status.leader is the nodes' leader", () -> {
            String leader = (String) GoltClusters.status(cluster()).get("leader");
            return leader != null && leader.equals(nodeLeader());
        });
    }

    /** 2. 1,000 keys written through one pod read back linearizably through every pod. */
    public void writeThroughOnePodReadEverywhere() throws Exception {
        URI first = env.nodeUri(pod(0));
        inParallel(KEYS, i -> {
            NodeHttp.Answer answer = node.set(first, key(i), value(i));
            assertThat(answer.status()).as("set %s: %s", key(i), answer.body()).isEqualTo(200);
            assertThat(answer.body().get("success").asBoolean()).isTrue();
        });
        for (String pod : pods(3)) {
            assertKeys(env.nodeUri(pod), 1);
        }
    }

    /** 3. Scale 3 → 5 → 3: membership follows, data stays, removed members' claims are deleted. */
    public void scaleUpThenDown() throws Exception {
        clusters.editSpec(CLUSTER, spec -> spec.put("replicas", 5));
        awaitReady(5);
        awaitMembership(5);
        assertKeys(env.nodeUri(pod(4)), 1);

        clusters.editSpec(CLUSTER, spec -> spec.put("replicas", 3));
        awaitReady(3);
        awaitMembership(3);
        await("claims of removed members deleted", () -> claimsOf(pod(3)).isEmpty() && claimsOf(pod(4)).isEmpty());
        for (String pod : pods(3)) {
            assertThat(claimsOf(pod)).as("claims of %s", pod).isNotEmpty();
            assertKeys(env.nodeUri(pod), 10);
        }
    }

    /**
     * 4. A node setting changes while a client writes: each pod restarts once, the leader last, no
     * acknowledged write is lost, no request fails after retries, no election by timeout.
     */
    public void rollingRestartUnderLoad() throws Exception {
        Map<String, String> uidsBefore = podUids();
        String leaderBefore = awaitLeader();
        long termBefore = node.status(env.nodeUri(leaderBefore)).get("term").asLong();
        String revisionBefore = statefulSet().getStatus().getUpdateRevision();
        LoadWriter writer = new LoadWriter(client, ns, pods(3)::contains, env::nodeUri, "load-", 0);
        RollObserver observer = new RollObserver();
        observer.start();
        try {
            clusters.editSpec(CLUSTER, spec -> raft(spec).put("snapshotThresholdEntries", 90_000));
            await("every pod replaced from the new revision", () -> {
                StatefulSet sts = statefulSet();
                Map<String, String> uids = podUids();
                return !revisionBefore.equals(sts.getStatus().getUpdateRevision())
                        && allPodsAtRevision(sts.getStatus().getUpdateRevision())
                        && uids.size() == 3 && uids.keySet().stream().noneMatch(p -> uids.get(p).equals(uidsBefore.get(p)))
                        && GoltClusters.isTrue(cluster(), "Ready");
            });
            Thread.sleep(1_000);
        } finally {
            writer.close();
            observer.stop();
        }
        long termAfter = node.status(env.nodeUri(awaitLeader())).get("term").asLong();
        System.out.printf("roll: term %d -> %d, transfer elections %d, timeout elections %s, pre-vote rounds %s, "
                + "replacement order %s, leaders %s, %d writes acknowledged%n", termBefore, termAfter,
                observer.transferElections(), observer.timeoutElections(), observer.preVotes(),
                observer.replacementOrder, observer.leaders, writer.acked.size());
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(writer.failures).as("client requests failing after retries").isEmpty();
        soft.assertThat(writer.acked).as("acknowledged writes").hasSizeGreaterThan(10);
        for (String pod : pods(3)) {
            soft.assertThat(observer.uidsOf(pod)).as("incarnations of %s during the roll", pod).hasSize(2);
            soft.assertThat(restarts(pod)).as("container restarts of %s", pod).isZero();
        }
        soft.assertThat(observer.replacementOrder).as("replacement order (leaders seen: %s)", observer.leaders)
                .hasSize(3).last().isEqualTo(leaderBefore);
        soft.assertThat(observer.metricSamples.get()).as("metrics samples taken").isPositive();
        // Pre-vote rounds (a restarted pod that has not heard from the leader yet) never change the
        // term; an election by timeout would, and so would any election the sampler missed.
        soft.assertThat(observer.timeoutElections())
                .as("elections started by timeout during the roll, by pod uid (pre-vote rounds: %s)", observer.preVotes())
                .isEmpty();
        soft.assertThat(observer.transferElections()).as("elections by leadership transfer (the leader restarts)")
                .isPositive();
        soft.assertThat(termAfter - termBefore).as("term increase (only through the transfers)")
                .isEqualTo(observer.transferElections());
        for (String pod : pods(3)) {
            URI uri = env.nodeUri(pod);
            for (var write : writer.acked.entrySet()) {
                soft.assertThat(node.read(uri, write.getKey())).as("acknowledged %s on %s", write.getKey(), pod)
                        .isEqualTo(write.getValue());
            }
        }
        soft.assertAll();
    }

    /** 5. kill -9 of a member: it comes back and catches up while the cluster stays Available. */
    public void killedMemberRecovers() throws Exception {
        String leader = awaitLeader();
        String victim = pods(3).stream().filter(p -> !p.equals(leader)).findFirst().orElseThrow();
        int restartsBefore = restarts(victim);
        AtomicBoolean stop = new AtomicBoolean();
        List<String> unavailable = new CopyOnWriteArrayList<>();
        Thread watcher = Thread.ofVirtual().start(() -> {
            while (!stop.get()) {
                if (!GoltClusters.isTrue(cluster(), "Available")) {
                    unavailable.add(String.valueOf(GoltClusters.condition(cluster(), "Available")));
                }
                sleep(200);
            }
        });
        try {
            env.killContainer(victim);
            URI leaderUri = env.nodeUri(leader);
            for (int i = 0; i < 50; i++) {
                assertThat(node.set(leaderUri, "after-kill-" + i, "v" + i).status()).isEqualTo(200);
            }
            long commit = node.status(leaderUri).get("commitIndex").asLong();
            await(victim + " restarted and ready", () -> restarts(victim) > restartsBefore && podReady(victim));
            URI victimUri = env.nodeUri(victim);
            await(victim + " caught up", () -> node.status(victimUri).get("appliedIndex").asLong() >= commit);
            for (int i = 0; i < 50; i++) {
                NodeHttp.Answer stale = node.get(victimUri, "/get?key=after-kill-" + i + "&consistency=stale");
                assertThat(stale.body().get("value").asText()).isEqualTo("v" + i);
            }
        } finally {
            stop.set(true);
            watcher.join();
        }
        assertThat(unavailable).as("Available condition while a member was down").isEmpty();
    }

    /** 6. The snapshot annotation sets status.lastSnapshot and advances every member's snapshotIndex. */
    public void snapshotOnAnnotation() throws Exception {
        Map<String, Long> before = new HashMap<>();
        for (String pod : pods(3)) {
            before.put(pod, node.status(env.nodeUri(pod)).get("snapshotIndex").asLong());
        }
        URI leader = env.nodeUri(awaitLeader());
        for (int i = 0; i < 20; i++) {
            assertThat(node.set(leader, "before-snapshot-" + i, "v").status()).isEqualTo(200);
        }
        String request = "e2e-" + System.currentTimeMillis();
        clusters.annotate(CLUSTER, SNAPSHOT_ANNOTATION, request);
        await("status.lastSnapshot answers " + request, () -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> last = (Map<String, Object>) GoltClusters.status(cluster()).get("lastSnapshot");
            return last != null && request.equals(last.get("annotation"))
                    && ((Number) last.get("index")).longValue() > 0 && last.get("time") != null;
        });
        for (String pod : pods(3)) {
            URI uri = env.nodeUri(pod);
            await(pod + " snapshotIndex advanced", () -> node.status(uri).get("snapshotIndex").asLong() > before.get(pod));
        }
    }

    /** 7. Paused: a spec change does nothing; unpaused: it proceeds. */
    public void pauseHoldsSpecChanges() throws Exception {
        Map<String, String> uids = podUids();
        String revision = statefulSet().getStatus().getUpdateRevision();
        clusters.editSpec(CLUSTER, spec -> spec.put("paused", true));
        await("paused reported", () -> anyConditionReason("Paused"));
        clusters.editSpec(CLUSTER, spec -> raft(spec).put("snapshotThresholdEntries", 80_000));
        Thread.sleep(6_000);
        assertThat(revisionOfTemplate()).as("StatefulSet revision while paused").isEqualTo(revision);
        assertThat(podUids()).as("pods while paused").isEqualTo(uids);

        clusters.editSpec(CLUSTER, spec -> spec.put("paused", false));
        await("change applied after unpause", () -> {
            Map<String, String> now = podUids();
            return !revision.equals(revisionOfTemplate()) && now.size() == 3
                    && now.keySet().stream().noneMatch(p -> now.get(p).equals(uids.get(p)))
                    && GoltClusters.isTrue(cluster(), "Ready");
        });
    }

    /**
     * 8. Invalid specs: what the CRD schema can judge ({@code replicas: 0}, below its minimum) the API
     * server refuses and nothing is stored; what only the operator can judge (a heartbeat not below
     * the election timeout) is reported as an InvalidSpec condition and touches no pod.
     */
    public void invalidSpecTouchesNothing() throws Exception {
        Map<String, String> uids = podUids();
        String resourceVersion = cluster().getMetadata().getResourceVersion();
        assertThatThrownBy(() -> clusters.editSpec(CLUSTER, spec -> spec.put("replicas", 0)))
                .as("replicas: 0 against the CRD's minimum").isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
                .hasMessageContaining("spec.replicas");
        assertThat(cluster().getMetadata().getResourceVersion()).as("stored object after the refusal").isEqualTo(resourceVersion);

        clusters.editSpec(CLUSTER, spec -> raft(spec).put("heartbeatTicks", 60));
        await("InvalidSpec reported", () -> anyConditionReason("InvalidSpec"));
        Thread.sleep(3_000);
        assertThat(podUids()).as("pods under an invalid spec").isEqualTo(uids);
        assertThat(statefulSet().getSpec().getReplicas()).isEqualTo(3);
        clusters.editSpec(CLUSTER, spec -> raft(spec).put("heartbeatTicks", 5));
        await("valid again", () -> !anyConditionReason("InvalidSpec") && GoltClusters.isTrue(cluster(), "Ready"));
        assertThat(podUids()).isEqualTo(uids);
    }

    /** 9. Deleting the GoltCluster: everything it made is owned by it, and all pods stop. */
    public void deleteRemovesEverything() {
        String uid = cluster().getMetadata().getUid();
        List<HasMetadata> owned = new ArrayList<>();
        owned.addAll(client.apps().statefulSets().inNamespace(ns).list().getItems());
        owned.addAll(client.services().inNamespace(ns).list().getItems());
        owned.addAll(client.policy().v1().podDisruptionBudget().inNamespace(ns).list().getItems());
        owned.addAll(client.configMaps().inNamespace(ns).list().getItems().stream()
                .filter(cm -> !cm.getMetadata().getName().equals("kube-root-ca.crt")).toList());
        assertThat(owned).as("objects made by the operator").isNotEmpty();
        for (HasMetadata o : owned) {
            assertThat(o.getMetadata().getOwnerReferences()).as("owner of %s %s", o.getKind(), o.getMetadata().getName())
                    .anyMatch(ref -> uid.equals(ref.getUid()) && "GoltCluster".equals(ref.getKind()));
        }
        clusters.named(CLUSTER).delete();
        await("pods gone and stopped", () -> client.pods().inNamespace(ns).list().getItems().isEmpty()
                && client.apps().statefulSets().inNamespace(ns).list().getItems().isEmpty()
                && env.runningNodeProcesses() == 0);
    }

    // ---- helpers ----

    private void awaitReady(int replicas) {
        await(replicas + " members ready", () -> {
            GenericKubernetesResource c = cluster();
            Map<String, Object> status = GoltClusters.status(c);
            return GoltClusters.isTrue(c, "Ready") && Integer.valueOf(replicas).equals(status.get("readyReplicas"))
                    && client.pods().inNamespace(ns).list().getItems().size() == replicas;
        });
    }

    private void awaitMembership(int replicas) {
        Set<String> expected = new HashSet<>(pods(replicas));
        await("membership " + expected + " on every node and in status", () -> {
            for (String pod : pods(replicas)) {
                JsonNode members = node.status(env.nodeUri(pod)).get("members");
                Set<String> voters = StreamSupport.stream(members.spliterator(), false)
                        .filter(m -> "voter".equals(m.get("role").asText())).map(m -> m.get("id").asText())
                        .collect(Collectors.toSet());
                if (!voters.equals(expected) || members.size() != replicas) {
                    return false;
                }
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> members = (List<Map<String, Object>>) GoltClusters.status(cluster()).getOrDefault("members", List.of());
            return members.stream().map(m -> (String) m.get("id")).collect(Collectors.toSet()).equals(expected);
        });
    }

    private void assertKeys(URI uri, int step) throws Exception {
        inParallel(KEYS / step, n -> {
            int i = n * step;
            assertThat(node.read(uri, key(i))).as("%s on %s", key(i), uri).isEqualTo(value(i));
        });
    }

    private interface Request {
        void run(int i) throws Exception;
    }

    /**
     * Runs requests 0..count-1 from {@value #CLIENTS} concurrent clients, each request after the
     * previous one of its client has been answered; the first failure is rethrown.
     */
    private static void inParallel(int count, Request request) throws Exception {
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                running.add(clients.submit(() -> {
                    for (int i = client; i < count; i += CLIENTS) {
                        request.run(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof AssertionError a) {
                        throw a;
                    }
                    throw e;
                }
            }
        }
    }

    /** Waits until all nodes agree on a leader and returns it. */
    private String awaitLeader() {
        String[] leader = new String[1];
        await("nodes agree on a leader", () -> (leader[0] = nodeLeader()) != null);
        return leader[0];
    }

    /** The leader all nodes agree on, or null. */
    private String nodeLeader() throws Exception {
        Set<String> leaders = new HashSet<>();
        for (Pod pod : client.pods().inNamespace(ns).list().getItems()) {
            JsonNode leader = node.status(env.nodeUri(pod.getMetadata().getName())).get("leader");
            leaders.add(leader == null || leader.isNull() ? null : leader.asText());
        }
        return leaders.size() == 1 ? leaders.iterator().next() : null;
    }

    private boolean anyConditionReason(String reason) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> conditions = (List<Map<String, Object>>) GoltClusters.status(cluster()).getOrDefault("conditions", List.of());
        return conditions.stream().anyMatch(c -> reason.equals(c.get("reason")));
    }

    private List<String> claimsOf(String pod) {
        return client.persistentVolumeClaims().inNamespace(ns).list().getItems().stream()
                .map(c -> c.getMetadata().getName()).filter(n -> n.endsWith("-" + pod)).toList();
    }

    private Map<String, String> podUids() {
        Map<String, String> uids = new LinkedHashMap<>();
        client.pods().inNamespace(ns).list().getItems().forEach(p -> uids.put(p.getMetadata().getName(), p.getMetadata().getUid()));
        return uids;
    }

    private int restarts(String pod) {
        Pod p = client.pods().inNamespace(ns).withName(pod).get();
        return p == null || p.getStatus() == null || p.getStatus().getContainerStatuses().isEmpty()
                ? 0 : p.getStatus().getContainerStatuses().get(0).getRestartCount();
    }

    private boolean podReady(String pod) {
        Pod p = client.pods().inNamespace(ns).withName(pod).get();
        return p != null && p.getStatus() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /**
     * Every pod was made from {@code revision}. (With {@code OnDelete} the StatefulSet controller never
     * moves {@code status.currentRevision} to the update revision, so that field cannot tell.)
     */
    private boolean allPodsAtRevision(String revision) {
        return client.pods().inNamespace(ns).list().getItems().stream()
                .allMatch(p -> revision.equals(p.getMetadata().getLabels().get("controller-revision-hash")));
    }

    private String revisionOfTemplate() {
        return statefulSet().getStatus().getUpdateRevision();
    }

    private StatefulSet statefulSet() {
        return client.apps().statefulSets().inNamespace(ns).withName(CLUSTER).get();
    }

    private GenericKubernetesResource cluster() {
        return clusters.get(CLUSTER);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> raft(Map<String, Object> spec) {
        return (Map<String, Object>) spec.computeIfAbsent("raft", k -> new LinkedHashMap<>());
    }

    private static List<String> pods(int replicas) {
        return IntStream.range(0, replicas).mapToObj(GoltScenarios::pod).toList();
    }

    private static String pod(int ordinal) {
        return CLUSTER + "-" + ordinal;
    }

    private static String key(int i) {
        return "key-%04d".formatted(i);
    }

    private static String value(int i) {
        return "value-" + i;
    }

    private void await(String what, Callable<Boolean> condition) {
        try {
            Await.until(what, BOUND, condition);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + env.diagnostics(pods(5)), e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Samples pods and their metrics during a roll: incarnations, replacement order, elections by cause. */
    private final class RollObserver {
        final List<String> replacementOrder = new CopyOnWriteArrayList<>();
        /** Leader changes as seen by the sampler, in order. */
        final List<String> leaders = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger metricSamples = new java.util.concurrent.atomic.AtomicInteger();
        private final Map<String, Set<String>> uids = new ConcurrentHashMap<>();
        private final Map<String, Double> timeoutByUid = new ConcurrentHashMap<>();
        private final Map<String, Double> transferByUid = new ConcurrentHashMap<>();
        private final Map<String, Double> preVoteByUid = new ConcurrentHashMap<>();
        /** Counter values of the processes alive before the roll (their bootstrap election counts too). */
        private final Map<String, Double> timeoutBaseline = new ConcurrentHashMap<>();
        private final Map<String, Double> transferBaseline = new ConcurrentHashMap<>();
        private final Map<String, Double> preVoteBaseline = new ConcurrentHashMap<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private Thread thread;

        void start() {
            sample();
            timeoutBaseline.putAll(timeoutByUid);
            transferBaseline.putAll(transferByUid);
            preVoteBaseline.putAll(preVoteByUid);
            thread = Thread.ofVirtual().name("roll-observer").start(() -> {
                while (!stop.get()) {
                    sample();
                    sleep(250);
                }
            });
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join();
            sample();
        }

        Set<String> uidsOf(String pod) {
            return uids.getOrDefault(pod, Set.of());
        }

        /** Elections by timeout started during the roll, by pod incarnation (uid). */
        Map<String, Double> timeoutElections() {
            return increments(timeoutByUid, timeoutBaseline);
        }

        /** Pre-vote rounds during the roll, by pod incarnation: not elections, reported for diagnosis. */
        Map<String, Double> preVotes() {
            return increments(preVoteByUid, preVoteBaseline);
        }

        long transferElections() {
            return (long) increments(transferByUid, transferBaseline).values().stream().mapToDouble(Double::doubleValue).sum();
        }

        private Map<String, Double> increments(Map<String, Double> latest, Map<String, Double> baseline) {
            Map<String, Double> increments = new HashMap<>();
            latest.forEach((uid, value) -> {
                double delta = value - baseline.getOrDefault(uid, 0.0);
                if (delta > 0) {
                    increments.put(uid, delta);
                }
            });
            return increments;
        }

        private void sample() {
            try {
                String leader = nodeLeader();
                if (leader != null && (leaders.isEmpty() || !leaders.getLast().equals(leader))) {
                    leaders.add(leader);
                }
            } catch (Exception noAgreement) {
                // nodes are restarting: the next sample will see the leader
            }
            for (Pod pod : client.pods().inNamespace(ns).list().getItems()) {
                String name = pod.getMetadata().getName();
                String uid = pod.getMetadata().getUid();
                Set<String> seen = uids.computeIfAbsent(name, k -> new LinkedHashSet<>());
                synchronized (seen) {
                    if (seen.add(uid) && seen.size() > 1) {
                        replacementOrder.add(name);
                    }
                }
                try {
                    String metrics = node.metrics(env.nodeUri(name));
                    if (!NodeHttp.hasMetric(metrics, "golt_raft_term")) {
                        continue;
                    }
                    timeoutByUid.merge(uid, NodeHttp.metric(metrics, "golt_raft_elections_total", "cause=\"timeout\""), Math::max);
                    transferByUid.merge(uid, NodeHttp.metric(metrics, "golt_raft_elections_total", "cause=\"transfer\""), Math::max);
                    preVoteByUid.merge(uid, NodeHttp.metric(metrics, "golt_raft_prevote_campaigns_total", null), Math::max);
                    metricSamples.incrementAndGet();
                } catch (Exception notServing) {
                    // a pod that is starting or stopping has no metrics to give
                }
            }
        }
    }
}
