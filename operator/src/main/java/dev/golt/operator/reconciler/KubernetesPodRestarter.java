package dev.golt.operator.reconciler;

import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfigBuilder;

/**
 * {@link PodRestarter} on the API server: the Eviction API with uid + resourceVersion preconditions
 * (so the budget and a concurrent change are both respected), or a delete locked to the
 * resourceVersion that was read (a resourceVersion names one version of one object, so this also
 * pins the uid).
 */
public final class KubernetesPodRestarter implements PodRestarter {

    private final KubernetesClient client;

    public KubernetesPodRestarter(KubernetesClient client) {
        // No client-side retries: fabric8 retries a 429 with backoff for about 40 s, which would
        // evict long after the roller's fresh look at the cluster (and hide the budget's "not now").
        this.client = client.newClient(new RequestConfigBuilder().withRequestRetryBackoffLimit(0).build())
                .adapt(KubernetesClient.class);
    }

    @Override
    public Outcome restart(Pod pod, boolean throughEviction) {
        String namespace = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        try {
            if (throughEviction) {
                Eviction eviction = new EvictionBuilder()
                        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                        .withDeleteOptions(new DeleteOptionsBuilder().withNewPreconditions()
                            .withUid(pod.getMetadata().getUid())
                            .withResourceVersion(pod.getMetadata().getResourceVersion())
                        .endPreconditions().build())
                        .build();
                // fabric8 answers false for 429, the budget's "not now".
                return client.pods().inNamespace(namespace).withName(name).evict(eviction)
                        ? Outcome.RESTARTED : Outcome.REFUSED_BY_BUDGET;
            }
            client.pods().inNamespace(namespace).withName(name)
                    .lockResourceVersion(pod.getMetadata().getResourceVersion()).delete();
            return Outcome.RESTARTED;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409 || e.getCode() == 404) {
                return Outcome.CHANGED;
            }
            throw e;
        }
    }
}
