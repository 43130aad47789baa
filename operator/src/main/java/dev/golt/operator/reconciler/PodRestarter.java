package dev.golt.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Takes one member pod down so its StatefulSet (update strategy OnDelete) recreates it from the
 * current template. Always for exactly the version of the pod that was read: a pod that changed or
 * was replaced since is left alone.
 */
public interface PodRestarter {

    enum Outcome {
        /** The API server accepted the eviction or deletion. */
        RESTARTED,
        /** 429 from the Eviction API: the PodDisruptionBudget allows no disruption now. */
        REFUSED_BY_BUDGET,
        /** The uid/resourceVersion preconditions failed (409) or the pod is gone (404). */
        CHANGED
    }

    /**
     * @param throughEviction evict (respecting the PodDisruptionBudget) rather than delete; deleting
     *     is for clusters whose budget is 0 by construction (one or two members)
     */
    Outcome restart(Pod pod, boolean throughEviction);
}
