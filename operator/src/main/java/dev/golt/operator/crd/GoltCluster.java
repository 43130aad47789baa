package dev.golt.operator.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A replicated Golt key-value store cluster. The name becomes the StatefulSet's, whose pods carry a
 * {@code controller-revision-hash} label of name + "-" + up to 10 characters (at most 63 in all),
 * and Service names, which must be DNS-1035 labels: the CRD refuses other names up front.
 */
@Group("golt.dev")
@Version("v1alpha1")
@ShortNames("golt")
@AdditionalPrinterColumn(name = "Replicas", jsonPath = ".spec.replicas", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.readyReplicas", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Leader", jsonPath = ".status.leader", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(value = "self.metadata.name.size() <= 52",
        message = "metadata.name must be at most 52 characters (the StatefulSet's revision label adds 11)")
@ValidationRule(value = "self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",
        message = "metadata.name must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter, no dots): it names Services")
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
