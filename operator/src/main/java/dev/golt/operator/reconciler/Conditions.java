package dev.golt.operator.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Standard Kubernetes conditions of a GoltCluster; every type and reason the operator sets is here. */
public final class Conditions {

    public static final String READY = "Ready";
    public static final String AVAILABLE = "Available";
    public static final String PROGRESSING = "Progressing";
    public static final String DEGRADED = "Degraded";
    /** Non-blocking remarks about the spec (e.g. an even number of replicas). */
    public static final String SPEC_WARNING = "SpecWarning";

    public static final String REASON_ALL_MEMBERS_READY = "AllMembersReady";
    public static final String REASON_MEMBERS_NOT_READY = "MembersNotReady";
    public static final String REASON_QUORUM = "Quorum";
    public static final String REASON_NO_QUORUM = "NoQuorum";
    public static final String REASON_RECONCILED = "Reconciled";
    public static final String REASON_PAUSED = "Paused";
    public static final String REASON_INVALID_SPEC = "InvalidSpec";
    public static final String REASON_AS_EXPECTED = "AsExpected";
    public static final String REASON_NO_WARNINGS = "NoWarnings";
    public static final String REASON_RECONCILE_ERROR = "ReconcileError";

    private Conditions() {
    }

    /** Sets a condition, keeping its lastTransitionTime when its status does not change. */
    public static List<Condition> set(List<Condition> existing, String type, boolean status, String reason,
                                      String message, long generation, Instant now) {
        List<Condition> result = new ArrayList<>(existing == null ? List.of() : existing);
        String value = status ? "True" : "False";
        Condition previous = result.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
        String transition = previous != null && value.equals(previous.getStatus())
                ? previous.getLastTransitionTime() : now.toString();
        Condition condition = new ConditionBuilder().withType(type).withStatus(value).withReason(reason)
                .withMessage(message == null ? "" : message).withObservedGeneration(generation)
                .withLastTransitionTime(transition).build();
        if (previous == null) {
            result.add(condition);
        } else {
            result.set(result.indexOf(previous), condition);
        }
        return result;
    }

    public static Condition find(List<Condition> conditions, String type) {
        return conditions == null ? null
                : conditions.stream().filter(c -> Objects.equals(type, c.getType())).findFirst().orElse(null);
    }
}
