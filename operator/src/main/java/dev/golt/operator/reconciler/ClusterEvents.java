package dev.golt.operator.reconciler;

import dev.golt.operator.crd.GoltCluster;
import java.util.Objects;

/**
 * Which updates of a GoltCluster start a reconciliation: a new generation (spec), or a change of
 * annotations, labels, finalizers or deletion (the restart, snapshot and pause annotations do not
 * bump the generation). A status-only update - above all the operator's own status writes - does
 * not: that is JOSDK's generation-aware filtering, widened to the annotations the operator obeys.
 */
public final class ClusterEvents {

    private ClusterEvents() {
    }

    public static boolean worthReconciling(GoltCluster updated, GoltCluster previous) {
        if (previous == null) {
            return true;
        }
        var now = updated.getMetadata();
        var before = previous.getMetadata();
        return !Objects.equals(now.getGeneration(), before.getGeneration())
                || !Objects.equals(now.getAnnotations(), before.getAnnotations())
                || !Objects.equals(now.getLabels(), before.getLabels())
                || !Objects.equals(now.getFinalizers(), before.getFinalizers())
                || !Objects.equals(now.getDeletionTimestamp(), before.getDeletionTimestamp());
    }
}
