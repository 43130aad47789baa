package dev.golt.operator.reconciler;

import dev.golt.operator.model.GoltClusterModel;
import dev.golt.operator.node.NodeClient;
import dev.golt.operator.node.NodeException;
import dev.golt.operator.node.NodeStatus;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Keeps the Raft configuration equal to the pods {@code 0..spec.replicas-1}, through the leader's
 * {@code /admin/members}.
 *
 * <p>Scale down removes members before their pods go: {@link #statefulSetReplicas} keeps the
 * StatefulSet large enough for every configured member, so a pod only disappears once its member
 * is gone from the configuration, even when the operator stops between the two. Members leave one
 * per call, highest ordinal first; the leader leaves last, after handing leadership to a member
 * that stays. Scale up adds every missing pod that has an address as a learner at once (learners
 * do not count for quorum; the node promotes them when caught up).
 *
 * <p>A member whose volume was lost (a deleted claim, a replaced node's local disk) comes back as a
 * node with an empty log waiting to be added, while the leader still counts it with the entries it
 * had acknowledged: Raft never sends it those again, so it would never catch up, and its vote would
 * be one without the promises it made. Like etcd's documented procedure for a member that lost its
 * data, the step removes it from the configuration (only where the remaining healthy voters keep a
 * quorum) and, on a later pass, adds it again as a learner that catches up from the leader.
 */
public final class MembershipStep {

    public static final String REASON_ADDING = "AddingMembers";
    public static final String REASON_PROMOTING = "PromotingLearners";
    public static final String REASON_REMOVING = "RemovingMember";
    public static final String REASON_TRANSFERRING = "TransferringLeadership";
    public static final String REASON_NO_LEADER = "NoLeader";
    public static final String REASON_SCALE_DOWN_BLOCKED = "ScaleDownBlocked";
    public static final String REASON_MEMBERSHIP_FAILED = "MembershipChangeFailed";
    public static final String REASON_REPLACING_LOST_MEMBER = "ReplacingMemberWithLostData";

    private final NodeClient nodes;
    private final Consumer<String> onChange;

    /** @param onChange told "added" or "removed" for every membership change made (metrics) */
    public MembershipStep(NodeClient nodes, Consumer<String> onChange) {
        this.nodes = nodes;
        this.onChange = onChange;
    }

    /**
     * Size the StatefulSet may have now: the spec's replicas, except while members above it are
     * still configured (or the configuration is unknown), in which case the current size is kept.
     */
    public static int statefulSetReplicas(ClusterState state, int desired) {
        int current = state.statefulSet() == null ? 0 : state.statefulSetReplicas();
        if (desired >= current) {
            return desired;
        }
        if (state.leaderStatus().isEmpty()) {
            return current;
        }
        int highestMember = state.memberIds().stream().mapToInt(state.model()::ordinalOf).max().orElse(-1);
        return Math.min(current, Math.max(desired, highestMember + 1));
    }

    public StepResult reconcile(ClusterState state, int desired) {
        GoltClusterModel model = state.model();
        Optional<NodeStatus> leader = state.leaderStatus();
        Set<String> configured = state.memberIds();
        List<String> toRemove = configured.stream().filter(id -> model.ordinalOf(id) >= desired)
                .sorted(Comparator.comparingInt(model::ordinalOf).reversed()).toList();
        List<String> toAdd = model.memberIds(desired).stream().filter(id -> !configured.contains(id)).toList();
        if (leader.isEmpty()) {
            return state.pods().isEmpty() ? StepResult.busy(REASON_NO_LEADER, "waiting for the first pods")
                    : StepResult.busy(REASON_NO_LEADER, "no member reports a leader; membership unchanged");
        }
        Optional<URI> leaderEndpoint = state.leaderEndpoint();
        if (leaderEndpoint.isEmpty()) {
            return StepResult.busy(REASON_NO_LEADER, "leader has no pod address");
        }
        try {
            if (!toRemove.isEmpty()) {
                return removeOne(state, toRemove, leaderEndpoint.get());
            }
            Optional<String> lost = lostData(state);
            if (lost.isPresent()) {
                return removeLost(state, lost.get(), leaderEndpoint.get());
            }
            List<String> added = new ArrayList<>();
            for (String id : toAdd) {
                if (state.endpoint(id).isPresent() && !state.terminating(id)) {
                    nodes.addMember(leaderEndpoint.get(), id, model.raftAddress(id));
                    onChange.accept("added");
                    added.add(id);
                }
            }
            if (!toAdd.isEmpty()) {
                return StepResult.busy(REASON_ADDING, added.isEmpty() ? "waiting for pods " + toAdd
                        : "added learners " + added);
            }
        } catch (NodeException e) {
            return StepResult.blocked(REASON_MEMBERSHIP_FAILED, e.getMessage());
        }
        List<String> learners = state.members().stream().filter(m -> !m.voter()).map(NodeStatus.Member::id).toList();
        if (!learners.isEmpty()) {
            return StepResult.busy(REASON_PROMOTING, "waiting for learners " + learners + " to catch up");
        }
        return StepResult.done();
    }

    /**
     * A configured member, not the leader, whose node answers with nothing — no log, no snapshot, no
     * configuration — although the leader has seen it acknowledge entries.
     */
    static Optional<String> lostData(ClusterState state) {
        String leaderId = state.leaderId().orElse(null);
        return state.members().stream()
                .filter(m -> !m.id().equals(leaderId) && m.matchIndex() != null && m.matchIndex() > 0)
                .map(NodeStatus.Member::id)
                .filter(id -> {
                    NodeStatus node = state.statuses().get(id);
                    return node != null && node.logLength() == 0 && node.snapshotIndex() == 0
                            && node.appliedIndex() == 0 && node.members().isEmpty();
                })
                .findFirst();
    }

    private StepResult removeLost(ClusterState state, String id, URI leaderEndpoint) {
        List<String> remainingVoters = state.voters().stream().filter(v -> !v.equals(id)).toList();
        long healthyRemaining = remainingVoters.stream().filter(state::healthy).count();
        if (remainingVoters.isEmpty() || healthyRemaining < ClusterState.quorum(remainingVoters.size())) {
            return StepResult.degraded(REASON_REPLACING_LOST_MEMBER, id + " lost its data, but only " + healthyRemaining
                    + " of the other " + remainingVoters.size() + " voters are healthy: it cannot be replaced safely");
        }
        nodes.removeMember(leaderEndpoint, id);
        onChange.accept("removed");
        return StepResult.busy(REASON_REPLACING_LOST_MEMBER, id + " lost its data: removed from the Raft configuration,"
                + " to be added again as a learner");
    }

    private StepResult removeOne(ClusterState state, List<String> toRemove, URI leaderEndpoint) {
        String leaderId = state.leaderId().orElseThrow();
        // The leader goes last: prefer any other member above the new size.
        String victim = toRemove.stream().filter(id -> !id.equals(leaderId)).findFirst().orElse(toRemove.get(0));
        List<String> remainingVoters = state.voters().stream().filter(id -> !id.equals(victim)).toList();
        long healthyRemaining = remainingVoters.stream().filter(state::healthy).count();
        if (remainingVoters.isEmpty() || healthyRemaining < ClusterState.quorum(remainingVoters.size())) {
            return StepResult.blocked(REASON_SCALE_DOWN_BLOCKED, "removing " + victim + " would leave "
                    + healthyRemaining + " healthy of " + remainingVoters.size() + " voters; not scaling down");
        }
        if (victim.equals(leaderId)) {
            String target = remainingVoters.stream().filter(state::healthy)
                    .max(Comparator.comparingLong(id -> state.statuses().get(id).appliedIndex())).orElseThrow();
            String newLeader = nodes.transferLeadership(leaderEndpoint, target);
            return StepResult.busy(REASON_TRANSFERRING, "moved leadership from " + leaderId + " to " + newLeader
                    + " before removing it");
        }
        nodes.removeMember(leaderEndpoint, victim);
        onChange.accept("removed");
        return StepResult.busy(REASON_REMOVING, "removed member " + victim + " from the Raft configuration");
    }
}
