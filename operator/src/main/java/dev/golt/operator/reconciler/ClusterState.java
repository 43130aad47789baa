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
 * and each node's own {@code /status} (absent when the node did not answer). Immutable; every
 * decision of the membership step, the roller and the status is a function of it.
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

    public boolean podReady(String id) {
        Pod pod = pods.get(id);
        return pod != null && pod.getStatus() != null && pod.getStatus().getConditions() != null
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

    public boolean podUpToDate(String id) {
        Pod pod = pods.get(id);
        if (pod == null) {
            return false;
        }
        String revision = updateRevision();
        Map<String, String> labels = pod.getMetadata().getLabels();
        boolean revisionMatches = revision == null || (labels != null && revision.equals(labels.get(REVISION_LABEL)));
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        boolean restartRequested = annotations != null
                && "true".equalsIgnoreCase(annotations.get(dev.golt.operator.crd.GoltCluster.ANNOTATION_RESTART));
        return revisionMatches && !restartRequested;
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
