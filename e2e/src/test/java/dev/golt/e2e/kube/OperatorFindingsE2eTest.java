package dev.golt.e2e.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.golt.e2e.LoadWriter;
import dev.golt.e2e.NodeHttp;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The operator findings of issue 14, each proven on the real control plane ({@link KubeEnvironment}:
 * real API server with admission and CEL validation, StatefulSet and disruption controllers, the
 * operator as its own process with the chart's cluster-wide RBAC, real node processes). One
 * environment for the class; every scenario has its own namespace and GoltCluster, deleted at its
 * end. Each scenario asserts what the unfixed operator got wrong.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorFindingsE2eTest {
    private static final String RESTART = "golt.dev/restart";
    private KubeEnvironment env;
    private long started;

    @BeforeAll
    void start() throws Exception {
        env = KubeEnvironment.start("golt-findings", true);
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

    @BeforeEach
    void clock() {
        started = System.nanoTime();
    }

    @AfterEach
    void report(TestInfo test) {
        System.out.printf("finding scenario %s took %d s%n", test.getDisplayName(),
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    /**
     * Finding 1, data loss on regrow. 3 → 1 → 3 with {@code claimOnScaleDown: Delete} under a write
     * load: the regrown members start on new, empty claims, and — the fix — with
     * {@code initial-cluster-state: existing} from the bootstrap ConfigMap they wait to be added
     * instead of bootstrapping a second cluster from their {@code --initial-members}. Proven by:
     * their log says so, the leader lists them as learners before voters, every term has one leader
     * and all nodes agree on one at the end, and every acknowledged write (before, during and after
     * the shrink and regrow) reads back from every member, the new ones included.
     */
    @Test
    @Order(1)
    void regrowingOntoEmptyVolumesJoinsTheExistingClusterAndLosesNoAcknowledgedWrite() throws Exception {
        try (ScenarioCluster c = ScenarioCluster.create(env, "f-regrow", "regrow", 3, spec -> { })) {
            c.awaitReady(3);
            c.awaitMembership(3);
            c.await("status.bootstrapped and the bootstrap ConfigMap says existing", () -> {
                ConfigMap cm = c.client.configMaps().inNamespace(c.ns).withName("regrow-bootstrap").get();
                return Boolean.TRUE.equals(dev.golt.e2e.GoltClusters.status(c.cluster()).get("bootstrapped"))
                        && cm != null && "existing".equals(cm.getData().get("initial-cluster-state"));
            });
            RaftSampler raft = new RaftSampler(c, 3);
            Map<String, String> acked;
            List<String> failures;
            try (LoadWriter writer = c.loadWriter("regrow-")) {
                c.await("writes acknowledged before the shrink", () -> writer.acked.size() >= 30);
                c.editSpec(spec -> spec.put("replicas", 1));
                c.awaitReady(1);
                c.awaitMembership(1);
                c.await("claims of the removed members deleted", () -> c.client.persistentVolumeClaims().inNamespace(c.ns)
                        .list().getItems().stream().map(p -> p.getMetadata().getName()).toList().equals(List.of("data-regrow-0")));
                int ackedAtOne = writer.acked.size();
                raft.markRegrow();
                c.editSpec(spec -> spec.put("replicas", 3));
                c.awaitReady(3);
                c.awaitMembership(3);
                c.await("writes acknowledged after the regrow", () -> writer.acked.size() >= ackedAtOne + 30);
                acked = Map.copyOf(writer.acked);
                failures = List.copyOf(writer.failures);
            } finally {
                raft.close();
            }
            System.out.printf("regrow: %d writes acknowledged, failures %s, leaders by term %s, roles %s%n",
                    acked.size(), failures, raft.leadersByTerm, raft.rolesSinceRegrow);
            assertThat(raft.leadersByTerm.values()).as("leaders per term (%s)", raft.leadersByTerm)
                    .allSatisfy(leaders -> assertThat(leaders).hasSize(1));
            String leader = c.awaitLeader();
            assertThat(c.podNames(3).stream().filter(p -> {
                try {
                    return c.node.status(c.uri(p)).get("isLeader").asBoolean();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }).toList()).as("nodes that say they lead").containsExactly(leader);
            // The learner phase can be shorter than the sampler's period, so the leader's own log is
            // the evidence that each regrown member joined as a learner and was promoted.
            String leaderLogs = String.join("\n", c.podNames(3).stream().map(p -> {
                try {
                    return Files.readString(env.kubelet().log(c.ns, p));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList());
            for (String pod : List.of("regrow-1", "regrow-2")) {
                assertThat(raft.rolesSinceRegrow.getOrDefault(pod, List.of())).as("roles of %s in the leader's configuration since the regrow", pod)
                        .isNotEmpty().endsWith("voter");
                assertThat(leaderLogs).as("a leader promoted %s as a caught-up learner", pod)
                        .contains("promoting caught-up learner " + pod);
                assertThat(Files.readString(env.kubelet().log(c.ns, pod))).as("log of %s", pod)
                        .contains("waiting to be added");
            }
            assertThat(acked).hasSizeGreaterThan(60);
            for (String pod : c.podNames(3)) {
                assertAllRead(c, pod, acked);
            }
        }
    }

    /**
     * Finding 1, the member that lost its volume: a member's claim and pod are deleted under a write
     * load (a node's local disk gone), so its pod comes back empty. It must neither bootstrap nor
     * sit forever as a voter the leader believes has entries it no longer has: the operator removes
     * it from the configuration and adds it again as a learner, it catches up and is promoted, and
     * no acknowledged write is lost.
     */
    @Test
    @Order(13)
    void aMemberWhoseVolumeIsLostIsReplacedAndCatchesUpWithoutLosingAWrite() throws Exception {
        try (ScenarioCluster c = ScenarioCluster.create(env, "f-lost", "lost", 3, spec -> { })) {
            c.awaitReady(3);
            c.awaitMembership(3);
            String leader = c.awaitLeader();
            String victim = c.podNames(3).stream().filter(p -> !p.equals(leader)).reduce((a, b) -> b).orElseThrow();
            Map<String, String> acked;
            try (LoadWriter writer = c.loadWriter("lost-")) {
                c.await("writes acknowledged before the loss", () -> writer.acked.size() >= 30);
                String uid = c.pod(victim).getMetadata().getUid();
                c.client.persistentVolumeClaims().inNamespace(c.ns).withName("data-" + victim).delete();
                c.client.pods().inNamespace(c.ns).withName(victim).delete();
                c.await(victim + " back on a new volume", () -> c.pod(victim) != null
                        && !uid.equals(c.pod(victim).getMetadata().getUid()));
                int ackedAtLoss = writer.acked.size();
                c.awaitReady(3);
                c.awaitMembership(3);
                c.await("writes acknowledged after the replacement", () -> writer.acked.size() >= ackedAtLoss + 30);
                acked = Map.copyOf(writer.acked);
                assertThat(writer.failures).as("client requests failing after retries").isEmpty();
            }
            assertThat(Files.readString(env.kubelet().log(c.ns, victim))).as("log of %s", victim)
                    .contains("waiting to be added");
            for (String pod : c.podNames(3)) {
                assertAllRead(c, pod, acked);
            }
        }
    }

    /**
     * Finding 2, restart loop. {@code golt.dev/restart: "true"} — the value a user types — rolls
     * each pod exactly once (the unfixed operator counted a pod carrying {@code "true"} as out of
     * date and rolled forever); then nothing restarts for a while; a second value rolls once more.
     */
    @Test
    @Order(2)
    void restartAnnotationRollsEachPodOncePerValue() throws Exception {
        try (ScenarioCluster c = ScenarioCluster.create(env, "f-restart", "restart", 3, spec -> { })) {
            c.awaitReady(3);
            try (ScenarioCluster.PodSampler pods = c.new PodSampler(3, 1)) {
                c.annotate(RESTART, "true");
                c.await("every pod replaced once", () -> c.podNames(3).stream().allMatch(p -> pods.incarnations(p) == 2)
                        && c.rolledOut() && c.ready(3));
                ScenarioCluster.sleep(15_000);
                for (String pod : c.podNames(3)) {
                    assertThat(pods.incarnations(pod)).as("incarnations of %s 15 s after the roll", pod).isEqualTo(2);
                }
                c.annotate(RESTART, "again");
                c.await("every pod replaced once more", () -> c.podNames(3).stream().allMatch(p -> pods.incarnations(p) == 3)
                        && c.rolledOut() && c.ready(3));
                ScenarioCluster.sleep(8_000);
                for (String pod : c.podNames(3)) {
                    assertThat(pods.incarnations(pod)).as("incarnations of %s after the second value", pod).isEqualTo(3);
                }
                assertThat(pods.tooManyDown).as("samples with more than one member down").isEmpty();
            }
        }
    }

    /**
     * Finding 4, drains break quorum. Evictions through the Eviction API, as {@code kubectl drain}
     * does, against one cluster grown 1 → 2 → 3: with one and with two members every eviction is
     * refused (429: {@code maxUnavailable = members − quorum = 0}; the unfixed budget allowed one at
     * every size); with three the budget allows one: an eviction of a ready follower is allowed, the
     * other follower's and the leader's are refused while it is down, and allowed again once it is
     * back. The cluster stays Available and never has two members down.
     */
    @Test
    @Order(3)
    void evictionsNeverTakeAQuorumDownAtOneTwoOrThreeMembers() throws Exception {
        try (ScenarioCluster c = ScenarioCluster.create(env, "f-drain", "drain", 1, spec -> { })) {
            c.awaitReady(1);
            awaitBudget(c, 1, 0);
            String uid = c.pod("drain-0").getMetadata().getUid();
            assertThat(evict(c, "drain-0")).as("eviction of the only member").isFalse();
            assertThat(c.pod("drain-0").getMetadata().getUid()).isEqualTo(uid);

            c.editSpec(spec -> spec.put("replicas", 2));
            c.awaitReady(2);
            awaitBudget(c, 2, 0);
            assertThat(evict(c, "drain-0")).as("eviction of drain-0 of two").isFalse();
            assertThat(evict(c, "drain-1")).as("eviction of drain-1 of two").isFalse();

            c.editSpec(spec -> spec.put("replicas", 3));
            c.awaitReady(3);
            c.awaitMembership(3);
            awaitBudget(c, 3, 1);
            try (ScenarioCluster.PodSampler pods = c.new PodSampler(3, 1); AvailabilitySampler available = new AvailabilitySampler(c)) {
                String leader = c.awaitLeader();
                List<String> followers = c.podNames(3).stream().filter(p -> !p.equals(leader)).toList();
                assertThat(evict(c, followers.get(0))).as("first eviction of three (%s)", followers.get(0)).isTrue();
                c.await("budget sees " + followers.get(0) + " down", () -> {
                    PodDisruptionBudget b = c.client.policy().v1().podDisruptionBudget().inNamespace(c.ns).withName("drain").get();
                    return b.getStatus().getCurrentHealthy() == 2 && b.getStatus().getDisruptionsAllowed() == 0;
                });
                assertThat(evict(c, followers.get(1))).as("second eviction while %s is down", followers.get(0)).isFalse();
                assertThat(evict(c, leader)).as("eviction of the leader while %s is down", followers.get(0)).isFalse();
                c.awaitReady(3);
                awaitBudget(c, 3, 1);
                assertThat(evict(c, followers.get(1))).as("eviction of %s once all are back", followers.get(1)).isTrue();
                c.await("evicted member back", () -> pods.incarnations(followers.get(1)) == 2 && c.ready(3));
                assertThat(pods.tooManyDown).as("samples with more than one member down").isEmpty();
                assertThat(available.unavailable).as("Available=False while evicting").isEmpty();
            }
        }
    }

    /**
     * Finding 3, storage change wedges the operator. Editing {@code spec.storage.size} or
     * {@code storageClassName} is refused by the API server (422 with the CEL rule's message), so
     * the StatefulSet update never fails on every pass; the cluster keeps reconciling: a restart
     * annotation afterwards still rolls its pod.
     */
    @Test
    @Order(4)
    void storageChangesAreRefusedUpFrontAndTheClusterKeepsReconciling() {
        try (ScenarioCluster c = ScenarioCluster.create(env, "f-storage", "storage", 1, spec -> { })) {
            c.awaitReady(1);
            String resourceVersion = c.cluster().getMetadata().getResourceVersion();
            assertThatThrownBy(() -> c.editSpec(spec -> storage(spec).put("size", "2Gi")))
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
                    .hasMessageContaining("spec.storage.size cannot be changed after creation");
            assertThatThrownBy(() -> c.editSpec(spec -> storage(spec).put("storageClassName", "other")))
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
                    .hasMessageContaining("spec.storage.storageClassName cannot be changed after creation");
            assertThat(c.cluster().getMetadata().getResourceVersion()).as("stored object after the refusals").isEqualTo(resourceVersion);
            String uid = c.pod("storage-0").getMetadata().getUid();
            c.annotate(RESTART, "after-refusal");
            c.await("pod restarted and ready", () -> c.pod("storage-0") != null
                    && !uid.equals(c.pod("storage-0").getMetadata().getUid()) && c.rolledOut() && c.ready(1));
            assertThat(c.reason("Degraded")).isNotEqualTo("ReconcileError");
        }
    }

    /**
     * Finding 7, hardened namespaces. In a namespace labelled {@code pod-security.kubernetes.io/enforce:
     * restricted} (audit and warn too) the PodSecurity admission plugin admits the StatefulSet's
     * pods and the cluster becomes Ready (the unfixed pods were refused: no seccomp profile,
     * privilege escalation allowed, capabilities kept, root allowed).
     */
    @Test
    @Order(5)
    void clusterBecomesReadyInARestrictedNamespace() {
        Map<String, String> restricted = Map.of("pod-security.kubernetes.io/enforce", "restricted",
                "pod-security.kubernetes.io/enforce-version", "latest",
                "pod-security.kubernetes.io/audit", "restricted", "pod-security.kubernetes.io/warn", "restricted");
        try (ScenarioCluster c = ScenarioCluster.namespace(env, "f-restricted", "hardened", restricted)) {
            c.createCluster(1, spec -> { });
            c.awaitReady(1);
            var security = c.pod("hardened-0").getSpec().getContainers().get(0).getSecurityContext();
            assertThat(security.getAllowPrivilegeEscalation()).isFalse();
            assertThat(security.getCapabilities().getDrop()).contains("ALL");
        }
    }

    /**
     * Finding 8, names. A 53-character name (too long for the controller-revision-hash label) and a
     * dotted name (not a valid Service name) are refused by the API server with the CRD's messages;
     * a 52-character name, the longest allowed, becomes Ready.
     */
    @Test
    @Order(6)
    void namesTheStatefulSetCannotCarryAreRefusedAndTheLongestAllowedWorks() {
        String longest = "n" + "x".repeat(50) + "9";
        assertThat(longest).hasSize(52);
        try (ScenarioCluster c = ScenarioCluster.namespace(env, "f-names", longest, Map.of())) {
            ScenarioCluster tooLong = ScenarioCluster.namespace(env, "f-names", longest + "z", Map.of());
            assertThatThrownBy(() -> tooLong.createCluster(1, spec -> { }))
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
                    .hasMessageContaining("metadata.name must be at most 52 characters");
            ScenarioCluster dotted = ScenarioCluster.namespace(env, "f-names", "golt.example", Map.of());
            assertThatThrownBy(() -> dotted.createCluster(1, spec -> { }))
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
                    .hasMessageContaining("metadata.name must be a DNS-1035 label");
            c.createCluster(1, spec -> { });
            c.awaitReady(1);
        }
    }

    /**
     * Finding 11, done too early. After a raft setting changes, status is sampled continuously:
     * whenever it says Ready=True for the new generation, the StatefulSet controller has seen the
     * new template (observedGeneration caught up, the template carries the new value) and every pod
     * runs its update revision — so {@code kubectl wait --for=condition=Ready} means done (the
     * unfixed operator said Ready for the new generation before any pod restarted). It does become
     * Ready.
     */
    @Test
    @Order(7)
    void readyForANewGenerationOnlyOnceEveryPodRunsTheUpdateRevision() throws Exception {
        try (ScenarioCluster c = ScenarioCluster.create(env, "f-early", "early", 3, spec -> { })) {
            c.awaitReady(3);
            long before = c.generation();
            c.editSpec(spec -> ScenarioCluster.raft(spec).put("snapshotThresholdEntries", 90_000));
            long generation = c.generation();
            assertThat(generation).isGreaterThan(before);
            List<String> early = new CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicInteger readySamples = new java.util.concurrent.atomic.AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            Thread sampler = Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    try {
                        var cluster = c.cluster();
                        var ready = dev.golt.e2e.GoltClusters.condition(cluster, "Ready");
                        Object observed = dev.golt.e2e.GoltClusters.status(cluster).get("observedGeneration");
                        if (ready.isPresent() && "True".equals(ready.get().get("status")) && observed != null
                                && ((Number) observed).longValue() == generation) {
                            readySamples.incrementAndGet();
                            var sts = c.statefulSet();
                            String value = templateEnv(sts).get("GOLT_SNAPSHOT_THRESHOLD_ENTRIES");
                            String revision = sts.getStatus().getUpdateRevision();
                            List<String> behind = c.pods().stream().filter(p -> p.getMetadata().getDeletionTimestamp() != null
                                    || !revision.equals(p.getMetadata().getLabels().get("controller-revision-hash")))
                                    .map(p -> p.getMetadata().getName()).toList();
                            if (!"90000".equals(value) || sts.getStatus().getObservedGeneration() < sts.getMetadata().getGeneration()
                                    || !behind.isEmpty() || c.pods().size() != 3) {
                                early.add("Ready for generation " + generation + " with template value " + value
                                        + ", StatefulSet observed " + sts.getStatus().getObservedGeneration() + "/"
                                        + sts.getMetadata().getGeneration() + ", pods not at " + revision + ": " + behind);
                            }
                        }
                    } catch (RuntimeException apiHiccup) {
                        // next sample
                    }
                    ScenarioCluster.sleep(50);
                }
            });
            try {
                c.await("Ready for the new generation", () -> c.ready(3) && c.rolledOut());
                ScenarioCluster.sleep(1_000);
            } finally {
                stop.set(true);
                sampler.join();
            }
            assertThat(early).as("Ready said before the change was live").isEmpty();
            assertThat(readySamples.get()).as("samples that saw Ready for the new generation").isPositive();
        }
    }

    /**
     * Finding 10, tuning outside the roll. A raft setting changes on a two-member cluster, whose
     * roller never restarts a ready member by itself (QuorumAtRisk), and the cluster is then
     * paused, so the new template waits. A kill -9 makes the kubelet restart a container: the new
     * process still runs with the old value (read from its {@code /proc/<pid>/environ}), because the
     * tuning is literal in the pod's own spec (the unfixed operator's mutable ConfigMap in
     * {@code envFrom} handed the new value to any crash-restart). Unpaused and scaled to three, the
     * roll brings the new value to every pod.
     */
    @Test
    @Order(8)
    void aCrashRestartKeepsTheOldTuningUntilTheRollBringsTheNewOne() throws Exception {
        String variable = "GOLT_SNAPSHOT_THRESHOLD_ENTRIES";
        try (ScenarioCluster c = ScenarioCluster.create(env, "f-tuning", "tuning", 2, spec -> { })) {
            c.awaitReady(2);
            c.editSpec(spec -> ScenarioCluster.raft(spec).put("snapshotThresholdEntries", 50_000));
            c.await("StatefulSet template carries the new value", () -> "50000".equals(templateEnv(c.statefulSet()).get(variable)));
            c.editSpec(spec -> spec.put("paused", true));
            c.await("paused reported", () -> "Paused".equals(c.reason("Ready")) || "Paused".equals(c.reason("Progressing"))
                    || c.message("Ready").contains("paused"));
            String pod = "tuning-1";
            String uid = c.pod(pod).getMetadata().getUid();
            int restarts = c.restarts(pod);
            long pid = env.kubelet().process(c.ns, pod).orElseThrow().pid();
            assertThat(environ(pid).get(variable)).as("before the kill").isEqualTo("100000");
            env.killContainer(c.ns, pod);
            long[] restarted = new long[1];
            c.await("container restarted", () -> {
                var handle = env.kubelet().process(c.ns, pod);
                if (handle.isEmpty() || handle.get().pid() == pid) {
                    return false;
                }
                restarted[0] = handle.get().pid();
                return true;
            });
            Map<String, String> environ = environ(restarted[0]);
            c.await("restart counted", () -> c.restarts(pod) > restarts);
            assertThat(c.pod(pod).getMetadata().getUid()).as("same pod, restarted container").isEqualTo(uid);
            assertThat(environ.get(variable)).as("%s of the crash-restarted container", variable).isEqualTo("100000");

            c.editSpec(spec -> {
                spec.put("paused", false);
                spec.put("replicas", 3);
            });
            c.await("rolled out at three", () -> c.ready(3) && c.rolledOut());
            for (String p : c.podNames(3)) {
                assertThat(environ(env.kubelet().process(c.ns, p).orElseThrow().pid()).get(variable))
                        .as("%s of %s after the roll", variable, p).isEqualTo("50000");
            }
        }
    }

    /**
     * Finding 5, stale decisions. During a roll (restart annotation), right after the first pod goes
     * down, another member that is not being restarted is killed (-9). While it is down the roll
     * deletes no other pod (it re-checks the members just before each deletion, with uid and
     * resourceVersion preconditions): the leader's pod keeps its uid until the killed member is
     * back — its pod ready after the restart, or its new process following the leader and caught up
     * (the kubelet may report the restart later than the roller sees the node healthy); the roll
     * then finishes, each pod replaced once.
     */
    @Test
    @Order(9)
    void aMemberCrashingMidRollStopsTheRollUntilItRecovers() throws Exception {
        try (ScenarioCluster c = ScenarioCluster.create(env, "f-crash", "crash", 3, spec -> { })) {
            c.awaitReady(3);
            c.awaitMembership(3);
            String leader = c.awaitLeader();
            List<String> followers = c.podNames(3).stream().filter(p -> !p.equals(leader)).toList();
            String first = followers.get(0);
            String victim = followers.get(1);
            Map<String, String> uids = c.podUids();
            List<String> deletedWhileDown = new CopyOnWriteArrayList<>();
            try (ScenarioCluster.PodSampler pods = c.new PodSampler(3, 3)) {
                c.annotate(RESTART, "crash-test");
                c.await("first follower " + first + " taken down", () -> {
                    Pod p = c.pod(first);
                    return p == null || p.getMetadata().getDeletionTimestamp() != null || !uids.get(first).equals(p.getMetadata().getUid());
                });
                int restarts = c.restarts(victim);
                env.killContainer(c.ns, victim);
                long killedAt = System.nanoTime();
                // Until the victim is back (ready, restarted), nothing but the victim itself may be taken down.
                // Judged from the watch, whose events come in the API server's revision order: the
                // operator can only act on the victim being ready after the event that says so. (Polling
                // missed it: the victim can be ready for a moment only, until the roll's own leadership
                // transfer leaves it without a known leader and its readiness probe fails briefly.)
                AtomicBoolean back = new AtomicBoolean();
                ResourceEventHandler<Pod> watch = new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod p) {
                        seen(p);
                    }

                    @Override
                    public void onUpdate(Pod old, Pod p) {
                        seen(p);
                    }

                    @Override
                    public void onDelete(Pod p, boolean unknown) {
                        seen(p);
                    }

                    private synchronized void seen(Pod p) {
                        String n = p.getMetadata().getName();
                        boolean restarted = ScenarioCluster.restarts(p) > restarts || !uids.get(victim).equals(p.getMetadata().getUid());
                        if (n.equals(victim) && restarted && ScenarioCluster.isReady(p) && p.getMetadata().getDeletionTimestamp() == null) {
                            back.set(true);
                        } else if (!back.get() && !n.equals(victim) && !n.equals(first)
                                && (p.getMetadata().getDeletionTimestamp() != null || !uids.get(n).equals(p.getMetadata().getUid()))) {
                            deletedWhileDown.add(n + " at +" + Duration.ofNanos(System.nanoTime() - killedAt).toMillis() + " ms");
                        }
                    }
                };
                // The victim is also back once its new process follows the leader and has caught up —
                // what the roller checks besides readiness: the kubelet may report the restart (and
                // a readiness it never lost between two probes) only later.
                Thread caughtUp = Thread.ofVirtual().name("victim-status").start(() -> {
                    while (!back.get()) {
                        try {
                            var st = c.node.status(c.uri(victim));
                            if (st.path("leader").isTextual() && !st.path("leader").asText().isEmpty()
                                    && st.path("commitIndex").asLong() - st.path("appliedIndex").asLong() <= 1000) {
                                synchronized (watch) {
                                    back.set(true);
                                }
                            }
                        } catch (Exception down) {
                            // not answering yet
                        }
                        ScenarioCluster.sleep(50);
                    }
                });
                try (var informer = c.client.pods().inNamespace(c.ns).inform(watch)) {
                    c.await("victim " + victim + " back", ScenarioCluster.BOUND, back::get);
                    c.await("roll finished", () -> c.podNames(3).stream().allMatch(p -> pods.incarnations(p) == 2)
                            && c.rolledOut() && c.ready(3));
                } finally {
                    back.set(true); // also stops the status poller when an await fails
                    caughtUp.join();
                }
                assertThat(deletedWhileDown).as("pods taken down while %s was down", victim).isEmpty();
                for (String p : c.podNames(3)) {
                    assertThat(pods.incarnations(p)).as("incarnations of %s", p).isEqualTo(2);
                }
            }
        }
    }

    /**
     * Finding 9, one bad cluster stalls all. Cluster A's only pod is frozen (SIGSTOP: connections are
     * accepted, nothing answers, every admin and status call times out). Cluster B, created then,
     * becomes Ready in about the time an identical cluster took alone just before (the unfixed
     * operator serialised reconciles across clusters behind a global lock, so every pass of B waited
     * for A's timeouts).
     */
    @Test
    @Order(10)
    void aFrozenClusterDoesNotSlowAnotherClustersReconcile() throws Exception {
        long alone;
        try (ScenarioCluster baseline = ScenarioCluster.create(env, "f-alone", "alone", 1, spec -> { })) {
            long t0 = System.nanoTime();
            baseline.awaitReady(1);
            alone = System.nanoTime() - t0;
        }
        try (ScenarioCluster a = ScenarioCluster.create(env, "f-frozen", "frozen", 1, spec -> { })) {
            a.awaitReady(1);
            long pid = env.kubelet().process(a.ns, "frozen-0").orElseThrow().pid();
            signal("STOP", pid);
            try {
                a.await("frozen cluster seen unhealthy", () -> !a.conditionTrue("Available"));
                try (ScenarioCluster b = ScenarioCluster.create(env, "f-healthy", "healthy", 1, spec -> { })) {
                    long t0 = System.nanoTime();
                    b.awaitReady(1);
                    long withFrozen = System.nanoTime() - t0;
                    System.out.printf("a one-member cluster became Ready in %d ms alone, %d ms beside a frozen one%n",
                            Duration.ofNanos(alone).toMillis(), Duration.ofNanos(withFrozen).toMillis());
                    assertThat(Duration.ofNanos(withFrozen)).as("time to Ready beside a frozen cluster (alone: %s)",
                            Duration.ofNanos(alone)).isLessThan(Duration.ofNanos(alone * 2).plusSeconds(10));
                }
            } finally {
                signal("CONT", pid);
            }
        }
    }

    /**
     * Finding 12, operator restart. The operator process is restarted once in the middle of a roll
     * (after the first pod was replaced) and once in the middle of a scale-down 3 → 1 (after the
     * first member left the Raft configuration); the roll finishes with each pod replaced exactly
     * once, and the scale-down ends Ready with exactly the one remaining member and the removed
     * members' claims deleted.
     */
    @Test
    @Order(11)
    void anOperatorRestartedMidRollAndMidScaleDownCarriesOn() throws Exception {
        try (ScenarioCluster c = ScenarioCluster.create(env, "f-operator", "resume", 3, spec -> { })) {
            c.awaitReady(3);
            c.awaitMembership(3);
            try (ScenarioCluster.PodSampler pods = c.new PodSampler(3, 1)) {
                c.annotate(RESTART, "operator-restart");
                c.await("first pod replaced", () -> c.podNames(3).stream().anyMatch(p -> pods.incarnations(p) == 2));
                env.restartOperator();
                c.await("roll finished after the operator restart", () -> c.podNames(3).stream()
                        .allMatch(p -> pods.incarnations(p) == 2) && c.rolledOut() && c.ready(3));
                for (String p : c.podNames(3)) {
                    assertThat(pods.incarnations(p)).as("incarnations of %s", p).isEqualTo(2);
                }
                assertThat(pods.tooManyDown).as("samples with more than one member down").isEmpty();
            }
            c.awaitMembership(3);
            c.editSpec(spec -> spec.put("replicas", 1));
            c.await("a member left the configuration", () -> {
                String leader = c.nodeLeader();
                return leader != null && c.node.status(c.uri(leader)).get("members").size() < 3;
            });
            env.restartOperator();
            c.awaitReady(1);
            c.awaitMembership(1);
            c.await("claims of removed members deleted", () -> c.client.persistentVolumeClaims().inNamespace(c.ns)
                    .list().getItems().stream().map(p -> p.getMetadata().getName()).toList().equals(List.of("data-resume-0")));
        }
    }

    /**
     * Finding 6, stuck Terminating. The first follower to be rolled ignores SIGTERM and carries a
     * finalizer of the test (as a pod held by another controller would), so after the kubelet's
     * SIGKILL at the end of the 60 s grace period it stays Terminating. The roll waits, reporting
     * it, deletes no second pod meanwhile, and, once the pod is past its grace period by the margin,
     * reports Degraded with reason PodStuckTerminating (the unfixed roll waited forever without a
     * word). Released (finalizer removed), the pod goes and the roll completes.
     */
    @Test
    @Order(12)
    void aPodStuckTerminatingIsReportedAndTheRollWaitsForIt() throws Exception {
        String finalizer = "e2e.golt.dev/hold";
        try (ScenarioCluster c = ScenarioCluster.create(env, "f-stuck", "stuck", 3, spec -> { })) {
            c.awaitReady(3);
            c.awaitMembership(3);
            String leader = c.awaitLeader();
            String stuck = c.podNames(3).stream().filter(p -> !p.equals(leader)).findFirst().orElseThrow();
            List<String> finalizers = new ArrayList<>(c.pod(stuck).getMetadata().getFinalizers());
            finalizers.add(finalizer);
            c.mergePatchPod(stuck, Map.of("metadata", Map.of(
                    "annotations", Map.of(TestKubelet.IGNORE_SIGTERM, "true"), "finalizers", finalizers)));
            Map<String, String> uids = c.podUids();
            try (ScenarioCluster.PodSampler pods = c.new PodSampler(3, 1)) {
                c.annotate(RESTART, "stuck-test");
                c.await(stuck + " terminating", () -> c.pod(stuck).getMetadata().getDeletionTimestamp() != null);
                c.await("waiting for " + stuck + " reported", () -> String.valueOf(c.message("Progressing"))
                        .contains("waiting for pod " + stuck + " to terminate"));
                c.await("Degraded PodStuckTerminating", Duration.ofSeconds(150),
                        () -> c.conditionTrue("Degraded") && "PodStuckTerminating".equals(c.reason("Degraded")));
                assertThat(c.message("Degraded")).contains(stuck);
                for (String p : c.podNames(3)) {
                    if (!p.equals(stuck)) {
                        assertThat(c.pod(p).getMetadata().getUid()).as("%s while %s is stuck", p, stuck).isEqualTo(uids.get(p));
                        assertThat(c.pod(p).getMetadata().getDeletionTimestamp()).isNull();
                    }
                }
                c.mergePatchPod(stuck, Map.of("metadata", Map.of("finalizers", c.pod(stuck).getMetadata().getFinalizers()
                        .stream().filter(f -> !f.equals(finalizer)).toList())));
                c.await("roll finished", () -> c.podNames(3).stream().allMatch(p -> pods.incarnations(p) == 2)
                        && c.rolledOut() && c.ready(3));
                assertThat(c.conditionTrue("Degraded")).isFalse();
                assertThat(pods.tooManyDown).as("samples with more than one member down").isEmpty();
            }
        }
    }

    // ---- helpers ----

    private static Map<String, String> templateEnv(io.fabric8.kubernetes.api.model.apps.StatefulSet sts) {
        Map<String, String> values = new TreeMap<>();
        sts.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
                .forEach(e -> values.put(e.getName(), e.getValue()));
        return values;
    }

    /** The environment a process was started with. */
    private static Map<String, String> environ(long pid) throws java.io.IOException {
        Map<String, String> values = new TreeMap<>();
        for (String entry : new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")),
                java.nio.charset.StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                values.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return values;
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -%s %d", signal, pid).isZero();
    }


    @SuppressWarnings("unchecked")
    private static Map<String, Object> storage(Map<String, Object> spec) {
        return (Map<String, Object>) spec.computeIfAbsent("storage", k -> new java.util.LinkedHashMap<>());
    }

    /**
     * One eviction request, answered as the API server answers it: fabric8 would otherwise retry a
     * 429 with backoff for about 40 s (and so report an eviction the budget allowed only later).
     */
    private static boolean evict(ScenarioCluster c, String pod) {
        return c.client.newClient(new RequestConfigBuilder().withRequestRetryBackoffLimit(0).build())
                .adapt(KubernetesClient.class).pods().inNamespace(c.ns).withName(pod).evict();
    }

    /** The budget says {@code maxUnavailable} and the disruption controller has counted every pod healthy. */
    private static void awaitBudget(ScenarioCluster c, int members, int maxUnavailable) {
        c.await("PodDisruptionBudget allows " + maxUnavailable + " of " + members, () -> {
            List<PodDisruptionBudget> budgets = c.client.policy().v1().podDisruptionBudget().inNamespace(c.ns).list().getItems();
            if (budgets.size() != 1) {
                return false;
            }
            PodDisruptionBudget b = budgets.get(0);
            return b.getSpec().getMaxUnavailable().getIntVal() == maxUnavailable && b.getStatus() != null
                    && b.getStatus().getObservedGeneration() != null
                    && b.getStatus().getObservedGeneration().equals(b.getMetadata().getGeneration())
                    && b.getStatus().getExpectedPods() == members && b.getStatus().getCurrentHealthy() == members
                    && b.getStatus().getDisruptionsAllowed() == maxUnavailable;
        });
    }

    /** Every acknowledged write reads back (linearizably) from that pod, from 8 concurrent clients. */
    private static void assertAllRead(ScenarioCluster c, String pod, Map<String, String> acked) throws Exception {
        URI uri = c.uri(pod);
        List<Map.Entry<String, String>> writes = new ArrayList<>(acked.entrySet());
        List<String> wrong = new CopyOnWriteArrayList<>();
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int r = 0; r < 8; r++) {
                int first = r;
                running.add(readers.submit(() -> {
                    for (int i = first; i < writes.size(); i += 8) {
                        var w = writes.get(i);
                        String value = c.node.read(uri, w.getKey());
                        if (!w.getValue().equals(value)) {
                            wrong.add(w.getKey() + "=" + value);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        }
        assertThat(wrong).as("acknowledged writes missing or wrong on %s (of %d)", pod, writes.size()).isEmpty();
    }

    /** Samples every node's /status: who leads in which term, and each member's role in the leader's configuration. */
    private static final class RaftSampler implements AutoCloseable {
        final Map<Long, Set<String>> leadersByTerm = new ConcurrentHashMap<>();
        /** Per member, its distinct successive roles in the leader's configuration since {@link #markRegrow}. */
        final Map<String, List<String>> rolesSinceRegrow = new ConcurrentHashMap<>();
        private final ScenarioCluster c;
        private final int maxMembers;
        private final AtomicBoolean regrow = new AtomicBoolean();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final NodeHttp http = new NodeHttp();
        private final Thread thread;

        RaftSampler(ScenarioCluster c, int maxMembers) {
            this.c = c;
            this.maxMembers = maxMembers;
            thread = Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    sample();
                    ScenarioCluster.sleep(100);
                }
            });
        }

        void markRegrow() {
            regrow.set(true);
        }

        private void sample() {
            for (String pod : c.podNames(maxMembers)) {
                try {
                    JsonNode s = http.status(c.uri(pod));
                    long term = s.get("term").asLong();
                    if (s.get("isLeader").asBoolean()) {
                        leadersByTerm.computeIfAbsent(term, t -> ConcurrentHashMap.newKeySet()).add(s.get("nodeId").asText());
                        if (regrow.get()) {
                            for (JsonNode m : s.get("members")) {
                                List<String> roles = rolesSinceRegrow.computeIfAbsent(m.get("id").asText(), k -> new CopyOnWriteArrayList<>());
                                String role = m.get("role").asText();
                                if (roles.isEmpty() || !roles.getLast().equals(role)) {
                                    roles.add(role);
                                }
                            }
                        }
                    } else if (s.hasNonNull("leader")) {
                        leadersByTerm.computeIfAbsent(term, t -> ConcurrentHashMap.newKeySet()).add(s.get("leader").asText());
                    }
                } catch (Exception notServing) {
                    // no pod, no IP, or starting
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join();
        }
    }

    /** Samples the cluster's Available condition. */
    private static final class AvailabilitySampler implements AutoCloseable {
        final List<String> unavailable = new CopyOnWriteArrayList<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        AvailabilitySampler(ScenarioCluster c) {
            thread = Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    try {
                        if (!c.conditionTrue("Available")) {
                            unavailable.add(java.time.Instant.now() + " " + c.message("Available"));
                        }
                    } catch (RuntimeException apiHiccup) {
                        // next sample
                    }
                    ScenarioCluster.sleep(200);
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join();
        }
    }
}
