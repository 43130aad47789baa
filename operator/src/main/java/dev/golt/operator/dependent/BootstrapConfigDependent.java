package dev.golt.operator.dependent;

import dev.golt.operator.crd.GoltCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/** The bootstrap ConfigMap ({@code new} until the cluster formed, then {@code existing}), read by each container start. */
public class BootstrapConfigDependent extends ManagedDependent<ConfigMap> {

    public BootstrapConfigDependent() {
        super(ConfigMap.class);
    }

    @Override
    protected ConfigMap desired(GoltCluster primary, Context<GoltCluster> context) {
        DesiredState desired = DesiredState.from(context);
        return desired.model().generateBootstrapConfig(desired.bootstrapped());
    }
}
