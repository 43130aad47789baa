package dev.golt.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.operator.TestClusters;
import dev.golt.operator.crd.GoltCluster;
import dev.golt.operator.crd.GoltClusterStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which GoltCluster updates wake the reconciler: not its own status writes. */
class ClusterEventsTest {

    private static GoltCluster copy(GoltCluster cluster) {
        return Serialization.clone(cluster);
    }

    @Test
    void aStatusOnlyUpdateDoesNotTriggerAReconciliation() {
        GoltCluster before = TestClusters.cluster("kv", 3);
        GoltCluster after = copy(before);
        after.setStatus(new GoltClusterStatus());
        after.getStatus().leader = "kv-1";
        after.getMetadata().setResourceVersion("42");
        assertThat(ClusterEvents.worthReconciling(after, before)).isFalse();
    }

    @Test
    void aNewGenerationTriggersAReconciliation() {
        GoltCluster before = TestClusters.cluster("kv", 3);
        GoltCluster after = copy(before);
        after.getMetadata().setGeneration(2L);
        assertThat(ClusterEvents.worthReconciling(after, before)).isTrue();
    }

    @Test
    void anAnnotationChangeTriggersAReconciliationThoughTheGenerationStays() {
        GoltCluster before = TestClusters.cluster("kv", 3);
        GoltCluster after = copy(before);
        after.getMetadata().setAnnotations(Map.of(GoltCluster.ANNOTATION_RESTART, "true"));
        assertThat(ClusterEvents.worthReconciling(after, before)).isTrue();
    }
}
