package dev.golt.operator.dependent;

import dev.golt.operator.crd.GoltCluster;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/** The PodDisruptionBudget: maxUnavailable = members - quorum (GoltClusterModel#maxUnavailable). */
public class PodDisruptionBudgetDependent extends ManagedDependent<PodDisruptionBudget> {

    public PodDisruptionBudgetDependent() {
        super(PodDisruptionBudget.class);
    }

    @Override
    protected PodDisruptionBudget desired(GoltCluster primary, Context<GoltCluster> context) {
        return DesiredState.from(context).model().generatePodDisruptionBudget();
    }
}
