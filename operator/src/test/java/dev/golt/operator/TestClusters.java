package dev.golt.operator;

import dev.golt.operator.crd.GoltCluster;
import dev.golt.operator.crd.GoltClusterSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** GoltCluster fixtures for tests. */
public final class TestClusters {

    private TestClusters() {
    }

    public static GoltCluster cluster(String name, int replicas) {
        GoltCluster cluster = new GoltCluster();
        cluster.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns").withUid("uid-" + name)
                .withGeneration(1L).withCreationTimestamp("2026-01-01T00:00:00Z").build());
        GoltClusterSpec spec = new GoltClusterSpec();
        spec.replicas = replicas;
        spec.image = "golt:1";
        cluster.setSpec(spec);
        return cluster;
    }
}
