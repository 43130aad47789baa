package dev.golt.raft.linearizability;

import java.util.ArrayList;
import java.util.List;

/**
 * Records a concurrent history: invocations and returns are stamped with one logical clock, so
 * calling these methods in real-time order (from any thread) records the real-time precedence that
 * linearizability must respect. Subclasses add the outcome methods of their operations.
 */
abstract class Recorder<O extends TimedOperation> {

    private final List<O> operations = new ArrayList<>();
    private long clock;

    /** Records the invocation of {@code op} (now) and returns it for the later outcome call. */
    public synchronized O invoke(O op) {
        op.invokedAt = ++clock;
        operations.add(op);
        return op;
    }

    /** The outcome is unknown; this is also what an operation never completed means. */
    public synchronized void unknown(O op) {
        op.returnedAt = TimedOperation.NEVER;
    }

    /** Stamps the return of {@code op}, whose outcome the caller has set; the caller holds the lock. */
    void returned(O op, Enum<?> outcomeKind, Enum<?> opKind) {
        if (opKind != outcomeKind) {
            throw new IllegalArgumentException("outcome for " + outcomeKind + " given to " + op);
        }
        op.returnedAt = ++clock;
    }

    /** Every operation recorded, in invocation order; the caller holds the lock. */
    List<O> recorded() {
        return operations;
    }
}
