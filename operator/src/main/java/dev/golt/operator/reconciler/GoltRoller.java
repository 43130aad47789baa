package dev.golt.operator.reconciler;

import dev.golt.operator.node.NodeClient;
import dev.golt.operator.node.NodeException;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Rolling restarts of Golt members, one pod per call (Strimzi's {@code KafkaRoller} idea, but
 * stateless: everything it needs is re-derived from the cluster on every reconciliation, so an
 * operator restarted mid-roll simply carries on).
 *
 * <p>Algorithm, for one {@link #roll(ClusterState)} call:
 * <ol>
 *   <li>A pod needs a restart when its {@code controller-revision-hash} label differs from the
 *       StatefulSet's {@code status.updateRevision} (the StatefulSet uses {@code OnDelete}, so a
 *       new template never restarts anything by itself), or it carries the annotation
 *       {@code golt.dev/restart=true}. None: the roll is done.</li>
 *   <li>Every member (voter or expected pod) that does <em>not</em> need a restart must be
 *       healthy (pod ready, node answers, follows the leader, applied index within
 *       {@code maxLagEntries} of the leader's commit index). A missing or unhealthy one means the
 *       previous restart has not settled: wait; if it has been unhealthy longer than
 *       {@code readyTimeoutSeconds} since its pod was created, stop the roll and report
 *       {@code Degraded}.</li>
 *   <li>Pick the next pod: unhealthy pods needing a restart first (restarting them cannot lower
 *       the number of healthy voters), then followers by ordinal, the leader last.</li>
 *   <li>Quorum check: after taking the candidate down, the healthy voters (as reported by the
 *       leader's configuration) must still be a majority of the voters. Otherwise refuse (blocked,
 *       {@code QuorumAtRisk}) and retry later; a two-member cluster therefore never rolls by itself,
 *       and nothing that Kubernetes reports ready is restarted while no leader is known. Exceptions:
 *       a pod Kubernetes reports not ready (it serves nobody; this is how a broken image is rolled
 *       back) and a one-member cluster (no restart without an outage there).</li>
 *   <li>If the candidate is the leader, ask it to hand leadership to the most up-to-date healthy
 *       follower ({@code /admin/transfer-leadership}) and stop: the next call sees it as a
 *       follower and restarts it.</li>
 *   <li>Delete the pod.</li>
 * </ol>
 */
public final class GoltRoller {

    public static final String REASON_RESTARTING = "RollingRestart";
    public static final String REASON_WAITING = "WaitingForRestartedPod";
    public static final String REASON_POD_NOT_READY = "PodNotReady";
    public static final String REASON_QUORUM_AT_RISK = "QuorumAtRisk";
    public static final String REASON_TRANSFERRING = "TransferringLeadership";
    public static final String REASON_TRANSFER_FAILED = "LeadershipTransferFailed";

    private final NodeClient nodes;
    private final PodDeleter pods;
    private final Clock clock;
    private final Runnable onRestart;

    public GoltRoller(NodeClient nodes, PodDeleter pods, Clock clock, Runnable onRestart) {
        this.nodes = nodes;
        this.pods = pods;
        this.clock = clock;
        this.onRestart = onRestart;
    }

    public List<String> podsNeedingRestart(ClusterState state) {
        return state.podIdsByOrdinal().values().stream().filter(id -> !state.podUpToDate(id)).toList();
    }

    public StepResult roll(ClusterState state) {
        List<String> needRestart = podsNeedingRestart(state);
        if (needRestart.isEmpty()) {
            return StepResult.done();
        }
        Optional<StepResult> unsettled = checkSettled(state, needRestart);
        if (unsettled.isPresent()) {
            return unsettled.get();
        }
        String candidate = nextCandidate(state, needRestart);
        List<String> voters = state.voters();
        List<String> healthyAfter = new ArrayList<>(state.healthyVoters());
        healthyAfter.remove(candidate);
        boolean podDown = !state.podReady(candidate);
        boolean onlyMember = voters.size() == 1 && voters.contains(candidate);
        boolean quorumKept = !voters.isEmpty() && healthyAfter.size() >= ClusterState.quorum(voters.size());
        boolean safe = podDown || onlyMember || quorumKept;
        if (!safe) {
            return StepResult.blocked(REASON_QUORUM_AT_RISK, "restarting " + candidate + " would leave "
                    + healthyAfter.size() + " of " + voters.size() + " voters healthy; waiting");
        }
        if (candidate.equals(state.leaderId().orElse(null)) && voters.size() > 1) {
            return transferLeadership(state, candidate);
        }
        pods.delete(state.model().namespace(), candidate);
        onRestart.run();
        return StepResult.busy(REASON_RESTARTING, "restarted " + candidate + "; " + (needRestart.size() - 1)
                + " more to restart");
    }

    private Optional<StepResult> checkSettled(ClusterState state, List<String> needRestart) {
        Instant now = clock.instant();
        java.util.Set<String> expected = new java.util.TreeSet<>(state.voters());
        expected.addAll(state.model().memberIds(state.statefulSetReplicas()));
        for (String id : expected) {
            if (needRestart.contains(id) || state.healthy(id)) {
                continue;
            }
            Pod pod = state.pods().get(id);
            if (pod == null) {
                return Optional.of(StepResult.busy(REASON_WAITING, "waiting for pod " + id + " to be recreated"));
            }
            Instant created = Instant.parse(pod.getMetadata().getCreationTimestamp());
            Duration unready = Duration.between(created, now);
            if (unready.getSeconds() > state.model().readyTimeoutSeconds()) {
                return Optional.of(StepResult.degraded(REASON_POD_NOT_READY, "pod " + id + " has not become ready and caught up in "
                        + unready.getSeconds() + "s; rolling restart stopped"));
            }
            return Optional.of(StepResult.busy(REASON_WAITING, "waiting for " + id + " to become ready and catch up"));
        }
        return Optional.empty();
    }

    private static String nextCandidate(ClusterState state, List<String> needRestart) {
        String leader = state.leaderId().orElse(null);
        return needRestart.stream()
                .min(Comparator.<String, Boolean>comparing(state::healthy)
                        .thenComparing(id -> id.equals(leader))
                        .thenComparingInt(id -> state.model().ordinalOf(id)))
                .orElseThrow();
    }

    private StepResult transferLeadership(ClusterState state, String leader) {
        String target = state.healthyVoters().stream().filter(id -> !id.equals(leader))
                .max(Comparator.comparingLong(id -> state.statuses().get(id).appliedIndex()))
                .orElse(null);
        Optional<URI> endpoint = state.endpoint(leader);
        if (endpoint.isEmpty()) {
            return StepResult.blocked(REASON_TRANSFER_FAILED, "leader " + leader + " has no address");
        }
        try {
            String newLeader = nodes.transferLeadership(endpoint.get(), target);
            return StepResult.busy(REASON_TRANSFERRING, "moved leadership from " + leader + " to " + newLeader
                    + " before restarting it");
        } catch (NodeException e) {
            return StepResult.blocked(REASON_TRANSFER_FAILED, "leadership transfer from " + leader + " failed: "
                    + e.getMessage());
        }
    }
}
