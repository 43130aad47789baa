package dev.golt.operator.dependent;

import dev.golt.operator.crd.GoltCluster;
import dev.golt.operator.model.GoltClusterModel;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/**
 * What every object the operator creates has in common: its informer watches only objects with the
 * operator's managed-by label (otherwise it would cache every ConfigMap and Service of the cluster),
 * and it is written with plain create/update (the fabric8 mock API server has no server-side apply).
 */
abstract class ManagedDependent<R extends HasMetadata> extends CRUDKubernetesDependentResource<R, GoltCluster> {

    ManagedDependent(Class<R> type) {
        super(type);
    }

    @Override
    protected InformerEventSourceConfiguration.Builder<R> informerConfigurationBuilder(
            EventSourceContext<GoltCluster> context) {
        return super.informerConfigurationBuilder(context).withLabelSelector(GoltClusterModel.MANAGED_BY_SELECTOR);
    }

    @Override
    protected boolean useSSA(Context<GoltCluster> context) {
        return false;
    }
}
