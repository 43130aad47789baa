package dev.golt.operator.dependent;

import dev.golt.operator.crd.GoltCluster;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/** The PodDisruptionBudget (maxUnavailable 1). */
public class PodDisruptionBudgetDependent extends CRUDKubernetesDependentResource<PodDisruptionBudget, GoltCluster> {

    public PodDisruptionBudgetDependent() {
        super(PodDisruptionBudget.class);
    }

    @Override
    protected PodDisruptionBudget desired(GoltCluster primary, Context<GoltCluster> context) {
        return DesiredState.from(context).model().generatePodDisruptionBudget();
    }

    /** Plain create/update: the fabric8 mock API server used in tests and e2e has no server-side apply. */
    @Override
    protected boolean useSSA(Context<GoltCluster> context) {
        return false;
    }
}
