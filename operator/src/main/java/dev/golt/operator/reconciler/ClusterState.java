package dev.golt.operator.reconciler;

import dev.golt.operator.model.GoltClusterModel;
import dev.golt.operator.node.NodeStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the operator observed of one cluster in one reconciliation: the StatefulSet, the member pods
 * (terminating ones included: a draining node still answers and may still lead) and each node's own
 * {@code /status} (absent when the node did not answer). Immutable; every decision of the membership
 * step, the roller and the status is a function of it.
 */
public record ClusterState(GoltClusterModel model, StatefulSet statefulSet, Map<String, Pod> pods,
                           Map<String, NodeStatus> statuses, Function<Pod, URI> endpoints) {

    public static final String REVISION_LABEL = "controller-revision-hash";

    public ClusterState {
        pods = Map.copyOf(pods);
        statuses = Map.copyOf(statuses);
    }

    /** The leader with the highest term that claims leadership, if any node answered as leader. */
    public Optional<NodeStatus> leaderStatus() {
        return statuses.values().stream().filter(NodeStatus::isLeader).max(Comparator.comparingLong(NodeStatus::term));
    }

    public Optional<String> leaderId() {
        return leaderStatus().map(NodeStatus::nodeId);
    }

    /** The Raft configuration as the leader reports it; empty when no leader answered. */
    public List<NodeStatus.Member> members() {
        return leaderStatus().map(NodeStatus::members).orElse(List.of());
    }

    public Set<String> memberIds() {
        return members().stream().map(NodeStatus.Member::id).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    public List<String> voters() {
        return members().stream().filter(NodeStatus.Member::voter).map(NodeStatus.Member::id).sorted().toList();
    }

    public static int quorum(int voters) {
        return voters / 2 + 1;
    }

    /** The pod is being deleted (has a deletionTimestamp). */
    public boolean terminating(String id) {
        Pod pod = pods.get(id);
        return pod != null && pod.getMetadata().getDeletionTimestamp() != null;
    }

    /** Pods that are not being deleted. */
    public List<String> runningPodIds() {
        return pods.keySet().stream().filter(id -> !terminating(id)).sorted().toList();
    }

    /** Ready and not terminating: a pod on its way out is about to be down, whatever its condition says. */
    public boolean podReady(String id) {
        Pod pod = pods.get(id);
        return pod != null && !terminating(id) && pod.getStatus() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** Applied index within {@code maxLagEntries} of the leader's commit index. */
    public boolean caughtUp(String id) {
        NodeStatus status = statuses.get(id);
        Optional<NodeStatus> leader = leaderStatus();
        return status != null && leader.isPresent()
                && status.appliedIndex() + model.maxLagEntries() >= leader.get().commitIndex();
    }

    /** Ready pod, answering node that follows the current leader, and caught up. */
    public boolean healthy(String id) {
        NodeStatus status = statuses.get(id);
        String leader = leaderId().orElse(null);
        return podReady(id) && status != null && leader != null && leader.equals(status.leader()) && caughtUp(id);
    }

    public List<String> healthyVoters() {
        return voters().stream().filter(this::healthy).toList();
    }

    /** A leader answered and a majority of the voters it reports are healthy. */
    public boolean available() {
        List<String> voters = voters();
        return !voters.isEmpty() && healthyVoters().size() >= quorum(voters.size());
    }

    public String updateRevision() {
        return statefulSet == null || statefulSet.getStatus() == null ? null : statefulSet.getStatus().getUpdateRevision();
    }

    /**
     * The StatefulSet controller has processed the latest template ({@code status.observedGeneration}
     * caught up with {@code metadata.generation}), so {@code status.updateRevision} is the revision
     * of the spec the operator last wrote. {@code currentRevision} is not consulted: with
     * {@code OnDelete} the controller does not advance it when pods are replaced.
     */
    public boolean statefulSetSettled() {
        if (statefulSet == null || statefulSet.getStatus() == null || updateRevision() == null) {
            return false;
        }
        Long generation = statefulSet.getMetadata().getGeneration();
        Long observed = statefulSet.getStatus().getObservedGeneration();
        return generation == null || (observed != null && observed >= generation);
    }

    /**
     * The pod runs the StatefulSet's update revision. Only the revision counts: the restart
     * annotation's value is in the template, so a new value is a new revision and is rolled once.
     */
    public boolean podUpToDate(String id) {
        Pod pod = pods.get(id);
        String revision = updateRevision();
        if (pod == null || revision == null) {
            return false;
        }
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels != null && revision.equals(labels.get(REVISION_LABEL));
    }

    /** Every running pod of the StatefulSet's size runs the update revision of a settled StatefulSet. */
    public boolean rolledOut() {
        List<String> expected = model.memberIds(statefulSetReplicas());
        return statefulSetSettled() && expected.stream().allMatch(id -> pods.containsKey(id) && !terminating(id)
                && podUpToDate(id));
    }

    /** Image of the node container of a pod, or null. */
    public String podImage(String id) {
        Pod pod = pods.get(id);
        if (pod == null || pod.getSpec() == null || pod.getSpec().getContainers() == null) {
            return null;
        }
        return pod.getSpec().getContainers().stream().filter(c -> GoltClusterModel.CONTAINER.equals(c.getName()))
                .map(io.fabric8.kubernetes.api.model.Container::getImage).findFirst().orElse(null);
    }

    public Optional<URI> endpoint(String id) {
        Pod pod = pods.get(id);
        if (pod == null || pod.getStatus() == null || pod.getStatus().getPodIP() == null) {
            return Optional.empty();
        }
        return Optional.of(endpoints.apply(pod));
    }

    public Optional<URI> leaderEndpoint() {
        return leaderId().flatMap(this::endpoint);
    }

    public int statefulSetReplicas() {
        return statefulSet == null || statefulSet.getSpec() == null || statefulSet.getSpec().getReplicas() == null
                ? 0 : statefulSet.getSpec().getReplicas();
    }

    /** Pods sorted by ordinal. */
    public Map<Integer, String> podIdsByOrdinal() {
        Map<Integer, String> byOrdinal = new TreeMap<>();
        pods.keySet().forEach(id -> byOrdinal.put(model.ordinalOf(id), id));
        return byOrdinal;
    }
}
