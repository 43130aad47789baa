package dev.golt.operator.dependent;

import dev.golt.operator.crd.GoltCluster;
import dev.golt.operator.model.GoltClusterModel;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.List;

/**
 * What the reconciler decided before the dependents run; handed to them through the JOSDK context.
 *
 * @param bootstrapped the cluster has formed: the bootstrap ConfigMap says {@code existing}
 * @param existingClaimTemplates the claim templates of the StatefulSet as it exists, or null
 */
public record DesiredState(GoltClusterModel model, int statefulSetReplicas, List<String> initialMembers,
                           boolean bootstrapped, List<PersistentVolumeClaim> existingClaimTemplates) {

    private static final String KEY = DesiredState.class.getName();

    public void putInto(Context<GoltCluster> context) {
        context.managedWorkflowAndDependentResourceContext().put(KEY, this);
    }

    public static DesiredState from(Context<GoltCluster> context) {
        return context.managedWorkflowAndDependentResourceContext().getMandatory(KEY, DesiredState.class);
    }
}
