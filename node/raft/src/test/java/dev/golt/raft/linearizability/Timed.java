package dev.golt.raft.linearizability;

/**
 * An operation of a concurrent history as the checker sees it: when it was invoked and when it
 * returned, on one logical clock ({@link TimedOperation#NEVER} when its outcome is unknown: it may take
 * effect at any time after its invocation, or never).
 */
public interface Timed {

    long invokedAt();

    long returnedAt();
}
