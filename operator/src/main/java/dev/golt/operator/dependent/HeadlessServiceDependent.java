package dev.golt.operator.dependent;

import dev.golt.operator.crd.GoltCluster;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/** The headless Service that gives each member a stable DNS name. */
public class HeadlessServiceDependent extends CRUDKubernetesDependentResource<Service, GoltCluster> {

    public HeadlessServiceDependent() {
        super(Service.class);
    }

    @Override
    protected Service desired(GoltCluster primary, Context<GoltCluster> context) {
        return DesiredState.from(context).model().generateHeadlessService();
    }

    /** Plain create/update: the fabric8 mock API server used in tests and e2e has no server-side apply. */
    @Override
    protected boolean useSSA(Context<GoltCluster> context) {
        return false;
    }
}
