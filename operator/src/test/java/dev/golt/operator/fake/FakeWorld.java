package dev.golt.operator.fake;

import dev.golt.operator.model.GoltClusterModel;
import dev.golt.operator.node.NodeException;
import dev.golt.operator.node.NodeStatus;
import dev.golt.operator.reconciler.ClusterState;
import dev.golt.operator.reconciler.PodDeleter;
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
public final class FakeWorld implements PodDeleter {

    public final GoltClusterModel model;
    public final FakeGoltCluster nodes;
    public final Map<String, Pod> pods = new TreeMap<>();
    public final List<String> deleted = new ArrayList<>();
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
    public void delete(String namespace, String podName) {
        deleted.add(podName);
        nodes.log.add("delete pod " + podName);
        pods.remove(podName);
        nodes.node(podName).up = false;
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
