package dev.golt.raft.linearizability;

import java.util.ArrayList;
import java.util.List;

/** A concurrent history of key-value operations (the clock: {@link Recorder}). */
public final class History extends Recorder<Operation> {

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

    private void complete(Operation op, Operation.Kind kind) {
        returned(op, kind, op.kind());
    }

    /** The operations that may have taken effect, in invocation order. */
    public synchronized List<Operation> operations() {
        List<Operation> out = new ArrayList<>();
        for (Operation op : recorded()) {
            // A read with an unknown outcome constrains nothing.
            if (!op.failed && !(op.kind() == Operation.Kind.GET && !op.known())) {
                out.add(op);
            }
        }
        return out;
    }
}
