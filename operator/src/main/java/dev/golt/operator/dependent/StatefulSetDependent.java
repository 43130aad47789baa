package dev.golt.operator.dependent;

import dev.golt.operator.crd.GoltCluster;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/** The members' StatefulSet; an existing one keeps its claim templates (immutable on the API server). */
public class StatefulSetDependent extends ManagedDependent<StatefulSet> {

    public StatefulSetDependent() {
        super(StatefulSet.class);
    }

    @Override
    protected StatefulSet desired(GoltCluster primary, Context<GoltCluster> context) {
        DesiredState desired = DesiredState.from(context);
        return desired.model().generateStatefulSet(desired.statefulSetReplicas(), desired.initialMembers(),
                desired.existingClaimTemplates());
    }
}
