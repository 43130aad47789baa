package dev.golt.operator.model;

import dev.golt.operator.crd.GoltClusterSpec;
import dev.golt.operator.crd.RaftSpec;
import dev.golt.operator.crd.StorageSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Checks the parts of a spec the CRD schema cannot (or that reach the operator without the schema,
 * e.g. through an older CRD). Pure: facts about the cluster come in as arguments.
 */
public final class SpecValidator {

    public static final String REASON_REPLICAS_OUT_OF_RANGE = "ReplicasOutOfRange";
    public static final String REASON_EVEN_REPLICAS = "EvenReplicas";
    public static final String REASON_MISSING_IMAGE = "MissingImage";
    public static final String REASON_INVALID_STORAGE_SIZE = "InvalidStorageSize";
    public static final String REASON_UNKNOWN_STORAGE_CLASS = "UnknownStorageClass";
    public static final String REASON_INVALID_RAFT_TUNING = "InvalidRaftTuning";
    public static final String REASON_INVALID_NAME = "InvalidName";
    /** Longest name whose StatefulSet revision label (name + "-" + 10 characters) fits in 63. */
    public static final int MAX_NAME_LENGTH = 52;
    private static final java.util.regex.Pattern DNS_1035 = java.util.regex.Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

    private SpecValidator() {
    }

    /** The CRD's name rules, again for objects that reached the operator through an older CRD. */
    public static java.util.Optional<SpecProblem> validateName(String name) {
        if (name == null || name.length() > MAX_NAME_LENGTH || !DNS_1035.matcher(name).matches()) {
            return java.util.Optional.of(SpecProblem.blocking(REASON_INVALID_NAME, "metadata.name " + name
                    + " must be a DNS-1035 label of at most " + MAX_NAME_LENGTH + " characters"));
        }
        return java.util.Optional.empty();
    }

    public static List<SpecProblem> validate(GoltClusterSpec spec, Predicate<String> storageClassExists) {
        List<SpecProblem> problems = new ArrayList<>();
        if (spec == null) {
            problems.add(SpecProblem.blocking(REASON_MISSING_IMAGE, "spec is missing"));
            return problems;
        }
        Integer replicas = spec.replicas;
        // Absent means the CRD default (3).
        if (replicas != null && (replicas < 1 || replicas > 9)) {
            problems.add(SpecProblem.blocking(REASON_REPLICAS_OUT_OF_RANGE,
                    "spec.replicas must be between 1 and 9 (scaling to 0 would destroy the quorum), got " + replicas));
        } else if (replicas % 2 == 0) {
            problems.add(SpecProblem.warning(REASON_EVEN_REPLICAS, "spec.replicas=" + replicas
                    + " tolerates no more failures than " + (replicas - 1) + "; an odd number is recommended"));
        }
        if (spec.image == null || spec.image.isBlank()) {
            problems.add(SpecProblem.blocking(REASON_MISSING_IMAGE, "spec.image is required"));
        }
        StorageSpec storage = spec.storage;
        if (storage != null && storage.size != null) {
            try {
                if (Quantity.getAmountInBytes(new Quantity(storage.size)).signum() <= 0) {
                    problems.add(SpecProblem.blocking(REASON_INVALID_STORAGE_SIZE, "spec.storage.size must be positive"));
                }
            } catch (IllegalArgumentException e) {
                problems.add(SpecProblem.blocking(REASON_INVALID_STORAGE_SIZE,
                        "spec.storage.size is not a quantity: " + storage.size));
            }
        }
        if (storage != null && storage.storageClassName != null && !storageClassExists.test(storage.storageClassName)) {
            problems.add(SpecProblem.blocking(REASON_UNKNOWN_STORAGE_CLASS,
                    "StorageClass " + storage.storageClassName + " does not exist"));
        }
        RaftSpec raft = spec.raft;
        if (raft != null && raft.electionTicksMin != null && raft.electionTicksMax != null
                && raft.electionTicksMin > raft.electionTicksMax) {
            problems.add(SpecProblem.blocking(REASON_INVALID_RAFT_TUNING,
                    "spec.raft.electionTicksMin must not exceed electionTicksMax"));
        }
        if (raft != null && raft.heartbeatTicks != null && raft.electionTicksMin != null
                && raft.heartbeatTicks >= raft.electionTicksMin) {
            problems.add(SpecProblem.blocking(REASON_INVALID_RAFT_TUNING,
                    "spec.raft.heartbeatTicks must be below electionTicksMin"));
        }
        return problems;
    }
}
