package dev.golt.operator.fake;

import dev.golt.operator.model.GoltClusterModel;
import dev.golt.operator.reconciler.ClusterState;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Pods as a StatefulSet controller would create them. */
public final class TestPods {

    private TestPods() {
    }

    public static Pod pod(GoltClusterModel model, String id, String revision, boolean ready, Instant created) {
        Map<String, String> labels = new HashMap<>(model.labels());
        labels.put(ClusterState.REVISION_LABEL, revision);
        labels.put("statefulset.kubernetes.io/pod-name", id);
        return new PodBuilder()
                .withNewMetadata().withName(id).withNamespace(model.namespace()).withLabels(labels)
                    .withUid(id + "-" + created.toEpochMilli())
                    .withCreationTimestamp(created.toString()).endMetadata()
                .withNewSpec().addNewContainer().withName(GoltClusterModel.CONTAINER).withImage(model.image())
                    .endContainer().endSpec()
                .withNewStatus().withPodIP("127.0.0.1").withPhase("Running")
                    .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .endStatus()
                .build();
    }
}
