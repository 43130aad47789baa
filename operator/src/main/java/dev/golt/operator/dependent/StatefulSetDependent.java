package dev.golt.operator.dependent;

import dev.golt.operator.crd.GoltCluster;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/** The members' StatefulSet. */
public class StatefulSetDependent extends CRUDKubernetesDependentResource<StatefulSet, GoltCluster> {

    public StatefulSetDependent() {
        super(StatefulSet.class);
    }

    @Override
    protected StatefulSet desired(GoltCluster primary, Context<GoltCluster> context) {
        DesiredState desired = DesiredState.from(context);
        return desired.model().generateStatefulSet(desired.statefulSetReplicas(), desired.initialMembers());
    }

    /** Plain create/update: the fabric8 mock API server used in tests and e2e has no server-side apply. */
    @Override
    protected boolean useSSA(Context<GoltCluster> context) {
        return false;
    }
}
