package dev.golt.operator.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A replicated Golt key-value store cluster. */
@Group("golt.dev")
@Version("v1alpha1")
@ShortNames("golt")
@AdditionalPrinterColumn(name = "Replicas", jsonPath = ".spec.replicas", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.readyReplicas", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Leader", jsonPath = ".status.leader", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class GoltCluster extends CustomResource<GoltClusterSpec, GoltClusterStatus> implements Namespaced {

    public static final String ANNOTATION_RESTART = "golt.dev/restart";
    public static final String ANNOTATION_SNAPSHOT = "golt.dev/snapshot";
    public static final String ANNOTATION_PAUSED = "golt.dev/paused";

    @Override
    protected GoltClusterSpec initSpec() {
        return new GoltClusterSpec();
    }

    @Override
    protected GoltClusterStatus initStatus() {
        return new GoltClusterStatus();
    }
}
