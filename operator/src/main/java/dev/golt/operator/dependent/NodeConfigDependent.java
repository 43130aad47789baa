package dev.golt.operator.dependent;

import dev.golt.operator.crd.GoltCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/** The node tuning, read by the pods through envFrom. */
public class NodeConfigDependent extends CRUDKubernetesDependentResource<ConfigMap, GoltCluster> {

    public NodeConfigDependent() {
        super(ConfigMap.class);
    }

    @Override
    protected ConfigMap desired(GoltCluster primary, Context<GoltCluster> context) {
        return DesiredState.from(context).model().generateNodeConfig();
    }

    /** Plain create/update: the fabric8 mock API server used in tests and e2e has no server-side apply. */
    @Override
    protected boolean useSSA(Context<GoltCluster> context) {
        return false;
    }
}
