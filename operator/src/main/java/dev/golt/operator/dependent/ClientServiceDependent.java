package dev.golt.operator.dependent;

import dev.golt.operator.crd.GoltCluster;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/** The Service clients use. */
public class ClientServiceDependent extends ManagedDependent<Service> {

    public ClientServiceDependent() {
        super(Service.class);
    }

    @Override
    protected Service desired(GoltCluster primary, Context<GoltCluster> context) {
        return DesiredState.from(context).model().generateClientService();
    }
}
