package dev.golt.operator.model;

/**
 * Something wrong with a GoltCluster spec. A blocking problem stops every change to the cluster;
 * a warning is only reported.
 */
public record SpecProblem(String reason, String message, boolean blocking) {
    public static SpecProblem blocking(String reason, String message) {
        return new SpecProblem(reason, message, true);
    }

    public static SpecProblem warning(String reason, String message) {
        return new SpecProblem(reason, message, false);
    }
}
