package dev.golt.operator.reconciler;

/**
 * Outcome of one reconciliation step. {@code busy} means the step changed something or waits for
 * the cluster, so later steps that need a settled cluster are skipped and the reconciliation is
 * rescheduled soon; {@code degraded} marks a situation that needs a human.
 */
public record StepResult(Kind kind, String reason, String message) {

    public enum Kind { DONE, BUSY, BLOCKED, DEGRADED }

    public static StepResult done() {
        return new StepResult(Kind.DONE, null, null);
    }

    public static StepResult busy(String reason, String message) {
        return new StepResult(Kind.BUSY, reason, message);
    }

    public static StepResult blocked(String reason, String message) {
        return new StepResult(Kind.BLOCKED, reason, message);
    }

    public static StepResult degraded(String reason, String message) {
        return new StepResult(Kind.DEGRADED, reason, message);
    }

    public boolean isDone() {
        return kind == Kind.DONE;
    }
}
