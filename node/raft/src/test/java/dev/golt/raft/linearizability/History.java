package dev.golt.raft.linearizability;

import java.util.ArrayList;
import java.util.List;

/**
 * A concurrent history of key-value operations. Invocations and returns are stamped with one
 * logical clock, so calling these methods in real-time order (from any thread) records the
 * real-time precedence that linearizability must respect.
 */
public final class History {

    private final List<Operation> operations = new ArrayList<>();
    private long clock;

    /** Records the invocation of {@code op} (now) and returns it for the later outcome call. */
    public synchronized Operation invoke(Operation op) {
        op.invokedAt = ++clock;
        operations.add(op);
        return op;
    }

    public synchronized void putOk(Operation op) {
        complete(op, Operation.Kind.PUT);
    }

    /** {@code value == null} means the key was absent. */
    public synchronized void getOk(Operation op, String value) {
        op.readValue = value;
        complete(op, Operation.Kind.GET);
    }

    public synchronized void deleteOk(Operation op, boolean found) {
        op.flag = found;
        complete(op, Operation.Kind.DELETE);
    }

    public synchronized void casOk(Operation op, boolean swapped) {
        op.flag = swapped;
        complete(op, Operation.Kind.CAS);
    }

    /** The operation certainly had no effect (e.g. rejected before reaching the log): it is left out. */
    public synchronized void failed(Operation op) {
        op.failed = true;
    }

    /** The outcome is unknown; this is also what an operation never completed means. */
    public synchronized void unknown(Operation op) {
        op.returnedAt = Operation.NEVER;
    }

    private void complete(Operation op, Operation.Kind kind) {
        if (op.kind() != kind) {
            throw new IllegalArgumentException("outcome for " + kind + " given to " + op);
        }
        op.returnedAt = ++clock;
    }

    /** The operations that may have taken effect, in invocation order. */
    public synchronized List<Operation> operations() {
        List<Operation> out = new ArrayList<>();
        for (Operation op : operations) {
            // A read with an unknown outcome constrains nothing.
            if (!op.failed && !(op.kind() == Operation.Kind.GET && !op.known())) {
                out.add(op);
            }
        }
        return out;
    }
}
