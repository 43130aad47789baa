package dev.golt.operator.fake;

import dev.golt.operator.model.GoltClusterModel;
import dev.golt.operator.node.NodeException;
import dev.golt.operator.node.NodeStatus;
import dev.golt.operator.reconciler.ClusterState;
import dev.golt.operator.reconciler.PodRestarter;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pods, a StatefulSet and a {@link FakeGoltCluster}, without any API server: builds the
 * {@link ClusterState} the way {@code ClusterObserver} does, for injected-state tests.
 */
public final class FakeWorld implements PodRestarter {

    public final GoltClusterModel model;
    public final FakeGoltCluster nodes;
    public final Map<String, Pod> pods = new TreeMap<>();
    /** Pods taken down, by eviction or deletion, in order. */
    public final List<String> deleted = new ArrayList<>();
    /** How each restart was asked for: "evict kv-0" or "delete kv-0". */
    public final List<String> restarts = new ArrayList<>();
    /** The PodDisruptionBudget answers 429 to every eviction. */
    public boolean budgetRefuses;
    public StatefulSet statefulSet;
    public Instant now = Instant.parse("2026-01-01T01:00:00Z");

    public FakeWorld(GoltClusterModel model, FakeGoltCluster nodes, int replicas, String revision) {
        this.model = model;
        this.nodes = nodes;
        statefulSet = model.generateStatefulSet(replicas, model.memberIds(replicas));
        statefulSet.setStatus(new StatefulSetStatusBuilder().withUpdateRevision(revision).build());
    }

    public FakeWorld pod(String id, String revision, boolean ready) {
        pods.put(id, TestPods.pod(model, id, revision, ready, now.minusSeconds(600)));
        nodes.node(id);
        return this;
    }

    public void setUpdateRevision(String revision) {
        statefulSet.getStatus().setUpdateRevision(revision);
    }

    public void setStatefulSetReplicas(int replicas) {
        statefulSet.getSpec().setReplicas(replicas);
    }

    /** The StatefulSet controller: recreates a deleted pod from the current revision (not ready yet). */
    public void recreate(String id, boolean ready) {
        pods.put(id, TestPods.pod(model, id, statefulSet.getStatus().getUpdateRevision(), ready, now));
        nodes.node(id).up = true;
    }

    @Override
    public Outcome restart(Pod pod, boolean throughEviction) {
        String podName = pod.getMetadata().getName();
        Pod current = pods.get(podName);
        if (current == null || !java.util.Objects.equals(current.getMetadata().getUid(), pod.getMetadata().getUid())) {
            return Outcome.CHANGED;
        }
        if (throughEviction && budgetRefuses) {
            return Outcome.REFUSED_BY_BUDGET;
        }
        restarts.add((throughEviction ? "evict " : "delete ") + podName);
        deleted.add(podName);
        nodes.log.add("delete pod " + podName);
        pods.remove(podName);
        nodes.node(podName).up = false;
        return Outcome.RESTARTED;
    }

    public static URI endpoint(Pod pod) {
        return URI.create("http://fake/" + pod.getMetadata().getName());
    }

    public ClusterState state() {
        Map<String, NodeStatus> statuses = new TreeMap<>();
        for (Pod pod : pods.values()) {
            try {
                statuses.put(pod.getMetadata().getName(), nodes.status(endpoint(pod)));
            } catch (NodeException e) {
                // unreachable node: no status, as in ClusterObserver
            }
        }
        return new ClusterState(model, statefulSet, pods, statuses, FakeWorld::endpoint);
    }
}
