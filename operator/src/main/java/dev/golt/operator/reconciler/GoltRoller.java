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
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolling restarts of Golt members, one pod per call (Strimzi's {@code KafkaRoller} idea, but
 * stateless: everything it needs is re-derived from the cluster on every reconciliation, so an
 * operator restarted mid-roll simply carries on).
 *
 * <p>Algorithm, for one {@link #roll(ClusterState, Supplier)} call:
 * <ol>
 *   <li>The StatefulSet controller must have processed the latest template
 *       ({@code status.observedGeneration >= metadata.generation}); until then
 *       {@code status.updateRevision} may be the previous one: wait.</li>
 *   <li>A pod that is terminating must go away: wait, but no longer than its
 *       {@code deletionTimestamp} (delete time + grace period) plus {@link #TERMINATING_MARGIN};
 *       after that stop the roll and report {@code Degraded}/{@code PodStuckTerminating} naming it.</li>
 *   <li>A pod needs a restart when its {@code controller-revision-hash} label differs from the
 *       StatefulSet's {@code status.updateRevision} (the StatefulSet uses {@code OnDelete}, so a new
 *       template never restarts anything by itself). Nothing else counts: the restart annotation's
 *       value is part of the template, so each new value is one new revision, rolled once. None: done.</li>
 *   <li>Every member (voter or expected pod) that does <em>not</em> need a restart must be
 *       healthy (pod ready and not terminating, node answers, follows the leader, applied index
 *       within {@code maxLagEntries} of the leader's commit index). A missing or unhealthy one means
 *       the previous restart has not settled: wait; if it has been unhealthy longer than
 *       {@code readyTimeoutSeconds} since its pod was created, stop the roll and report
 *       {@code Degraded}.</li>
 *   <li>Pick the next pod: unhealthy pods needing a restart first (restarting them cannot lower
 *       the number of healthy voters), then followers by ordinal, the leader last.</li>
 *   <li>Quorum rule: after taking the candidate down, the healthy voters (as reported by the
 *       leader's configuration) must still be a majority of the voters. Otherwise refuse (blocked,
 *       {@code QuorumAtRisk}) and retry later; a two-member cluster therefore never rolls a ready
 *       member by itself, and nothing that Kubernetes reports ready is restarted while no leader is
 *       known. Exceptions: a pod Kubernetes reports not ready (it serves nobody; this is how a broken
 *       image is rolled back) and a one-member cluster (no restart without an outage there).</li>
 *   <li>If the candidate is the leader, ask it to hand leadership to the most up-to-date healthy
 *       follower ({@code /admin/transfer-leadership}) and stop: the next call sees it as a
 *       follower and restarts it.</li>
 *   <li>Re-check with a fresh observation (pods re-read, every node's {@code /status} asked again):
 *       the same pod (uid) still needs a restart, steps 1, 2 and 4 still pass and the quorum rule
 *       still holds. The pass's view can be seconds old; a member that crashed meanwhile stops the
 *       roll here.</li>
 *   <li>Take the pod down for exactly the version just read (uid + resourceVersion preconditions):
 *       through the Eviction API when the PodDisruptionBudget allows disruptions at this size
 *       (three members or more), so a drain in progress and the roll never add up to a lost quorum;
 *       a 429 from the budget means wait and retry next pass. With one or two members the budget is
 *       0 by construction (any restart loses quorum), so the pod is deleted directly, and only where
 *       the quorum rule above allows it: the single member, or a pod that is not ready.</li>
 * </ol>
 */
public final class GoltRoller {

    public static final String REASON_RESTARTING = "RollingRestart";
    public static final String REASON_WAITING = "WaitingForRestartedPod";
    public static final String REASON_WAITING_FOR_STATEFULSET = "WaitingForStatefulSet";
    public static final String REASON_POD_NOT_READY = "PodNotReady";
    public static final String REASON_STUCK_TERMINATING = "PodStuckTerminating";
    public static final String REASON_QUORUM_AT_RISK = "QuorumAtRisk";
    public static final String REASON_EVICTION_REFUSED = "EvictionRefused";
    public static final String REASON_TRANSFERRING = "TransferringLeadership";
    public static final String REASON_TRANSFER_FAILED = "LeadershipTransferFailed";

    private static final Logger LOG = LoggerFactory.getLogger(GoltRoller.class);

    /** How long past its deletionTimestamp a pod may take to disappear before the roll gives up on it. */
    public static final Duration TERMINATING_MARGIN = Duration.ofSeconds(30);

    private final NodeClient nodes;
    private final PodRestarter pods;
    private final Clock clock;
    private final Runnable onRestart;

    public GoltRoller(NodeClient nodes, PodRestarter pods, Clock clock, Runnable onRestart) {
        this.nodes = nodes;
        this.pods = pods;
        this.clock = clock;
        this.onRestart = onRestart;
    }

    public List<String> podsNeedingRestart(ClusterState state) {
        return state.podIdsByOrdinal().values().stream()
                .filter(id -> !state.terminating(id) && !state.podUpToDate(id)).toList();
    }

    /**
     * @param observeAgain a fresh observation of the same cluster, taken just before a pod goes down
     */
    public StepResult roll(ClusterState state, Supplier<ClusterState> observeAgain) {
        Optional<StepResult> waiting = preconditions(state);
        if (waiting.isPresent()) {
            return waiting.get();
        }
        List<String> needRestart = podsNeedingRestart(state);
        if (needRestart.isEmpty()) {
            return StepResult.done();
        }
        Optional<StepResult> unsettled = checkSettled(state, needRestart);
        if (unsettled.isPresent()) {
            return unsettled.get();
        }
        String candidate = nextCandidate(state, needRestart);
        Optional<StepResult> unsafe = quorumRule(state, candidate);
        if (unsafe.isPresent()) {
            return unsafe.get();
        }
        if (candidate.equals(state.leaderId().orElse(null)) && state.voters().size() > 1) {
            return transferLeadership(state, candidate);
        }
        return restartAfterRecheck(state, observeAgain.get(), candidate, needRestart.size());
    }

    private StepResult restartAfterRecheck(ClusterState before, ClusterState fresh, String candidate, int pending) {
        Pod seen = before.pods().get(candidate);
        Pod pod = fresh.pods().get(candidate);
        if (pod == null || fresh.terminating(candidate) || fresh.podUpToDate(candidate)
                || !Objects.equals(pod.getMetadata().getUid(), seen.getMetadata().getUid())) {
            return StepResult.busy(REASON_WAITING, "pod " + candidate + " changed since this pass read it; re-reading");
        }
        Optional<StepResult> stop = preconditions(fresh)
                .or(() -> checkSettled(fresh, podsNeedingRestart(fresh)))
                .or(() -> quorumRule(fresh, candidate));
        if (stop.isPresent()) {
            return stop.get();
        }
        if (candidate.equals(fresh.leaderId().orElse(null)) && fresh.voters().size() > 1) {
            return StepResult.busy(REASON_WAITING, candidate + " became leader meanwhile; it goes last");
        }
        boolean throughEviction = fresh.model().maxUnavailable() > 0;
        return switch (pods.restart(pod, throughEviction)) {
            case RESTARTED -> {
                // A disruptive action, with the view it was decided on (as Strimzi's roller logs each roll).
                LOG.info("{}/{}: {} pod {} (ready {}; healthy voters {} of {}; leader {})", fresh.model().namespace(),
                        fresh.model().name(), throughEviction ? "evicted" : "deleted", candidate, fresh.podReady(candidate),
                        fresh.healthyVoters(), fresh.voters(), fresh.leaderId().orElse("none"));
                onRestart.run();
                yield StepResult.busy(REASON_RESTARTING, (throughEviction ? "evicted " : "deleted ") + candidate
                        + "; " + (pending - 1) + " more to restart");
            }
            case REFUSED_BY_BUDGET -> StepResult.blocked(REASON_EVICTION_REFUSED, "the PodDisruptionBudget refused "
                    + "the eviction of " + candidate + " (another disruption in progress?); retrying");
            case CHANGED -> StepResult.busy(REASON_WAITING, "pod " + candidate
                    + " changed before it could be restarted; re-reading");
        };
    }

    /** Steps 1 and 2: a settled StatefulSet and no pod stuck on its way out. */
    private Optional<StepResult> preconditions(ClusterState state) {
        if (!state.statefulSetSettled()) {
            return Optional.of(StepResult.busy(REASON_WAITING_FOR_STATEFULSET,
                    "waiting for the StatefulSet controller to process the latest template"));
        }
        Instant now = clock.instant();
        for (String id : state.podIdsByOrdinal().values()) {
            if (!state.terminating(id)) {
                continue;
            }
            Instant deadline = Instant.parse(state.pods().get(id).getMetadata().getDeletionTimestamp())
                    .plus(TERMINATING_MARGIN);
            if (now.isAfter(deadline)) {
                return Optional.of(StepResult.degraded(REASON_STUCK_TERMINATING, "pod " + id
                        + " is still terminating " + Duration.between(deadline.minus(TERMINATING_MARGIN), now)
                        .toSeconds() + "s after its grace period ended; rolling restart stopped"));
            }
            return Optional.of(StepResult.busy(REASON_WAITING, "waiting for pod " + id + " to terminate"));
        }
        return Optional.empty();
    }

    private Optional<StepResult> checkSettled(ClusterState state, List<String> needRestart) {
        Instant now = clock.instant();
        Set<String> expected = new TreeSet<>(state.voters());
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

    private static Optional<StepResult> quorumRule(ClusterState state, String candidate) {
        List<String> voters = state.voters();
        List<String> healthyAfter = new ArrayList<>(state.healthyVoters());
        healthyAfter.remove(candidate);
        boolean podDown = !state.podReady(candidate);
        boolean onlyMember = voters.size() == 1 && voters.contains(candidate);
        boolean quorumKept = !voters.isEmpty() && healthyAfter.size() >= ClusterState.quorum(voters.size());
        if (podDown || onlyMember || quorumKept) {
            return Optional.empty();
        }
        return Optional.of(StepResult.blocked(REASON_QUORUM_AT_RISK, "restarting " + candidate + " would leave "
                + healthyAfter.size() + " of " + voters.size() + " voters healthy; waiting"));
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
            LOG.info("{}/{}: moved leadership from {} to {} before restarting it", state.model().namespace(),
                    state.model().name(), leader, newLeader);
            return StepResult.busy(REASON_TRANSFERRING, "moved leadership from " + leader + " to " + newLeader
                    + " before restarting it");
        } catch (NodeException e) {
            return StepResult.blocked(REASON_TRANSFER_FAILED, "leadership transfer from " + leader + " failed: "
                    + e.getMessage());
        }
    }
}
