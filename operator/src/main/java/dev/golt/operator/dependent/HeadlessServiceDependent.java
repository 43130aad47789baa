package dev.golt.operator.dependent;

import dev.golt.operator.crd.GoltCluster;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/** The headless Service that gives each member a stable DNS name. */
public class HeadlessServiceDependent extends ManagedDependent<Service> {

    public HeadlessServiceDependent() {
        super(Service.class);
    }

    @Override
    protected Service desired(GoltCluster primary, Context<GoltCluster> context) {
        return DesiredState.from(context).model().generateHeadlessService();
    }
}
