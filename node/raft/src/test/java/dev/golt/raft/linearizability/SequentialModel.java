package dev.golt.raft.linearizability;

import java.util.List;

/**
 * The sequential specification a history is checked against: the {@link LinearizabilityChecker}
 * looks for an order of the operations, consistent with real time, in which every operation's
 * recorded outcome is the one this model gives.
 *
 * <p>States must have value equality ({@code equals}/{@code hashCode}): the search remembers the
 * (operations done, state) pairs it has explored and never explores one twice.
 *
 * @param <S> the state; must not be null
 * @param <O> the operations
 */
public interface SequentialModel<S, O extends Timed> {

    S initial();

    /**
     * Called once with the whole history before the search: a model may derive from it facts every
     * linearization must respect (etcd: the revision of a write of unknown outcome whose unique
     * value some read returned) and attach them to the operations, to narrow the search.
     */
    default void prepare(List<O> operations) {}

    /**
     * The state after {@code op} in {@code state}, or null when {@code op}'s recorded outcome cannot
     * happen in {@code state}. An operation with an unknown outcome is applied as the model would do
     * it, whatever that outcome would be: it is never null for one, and the checker relies on that
     * (it leaves such operations last when they change nothing, since nothing observes them).
     */
    S step(S state, O op);

    /**
     * Operations of different partitions never constrain each other (a register per key): each
     * partition is checked on its own, which keeps the search small. Default: one partition.
     */
    default Object partition(O op) {
        return "";
    }

    /**
     * For models with a counter in the state that no operation ever decreases (etcd's revision):
     * that counter. With {@link #ceiling}, it lets the search drop a state as soon as some operation
     * not yet linearized can no longer be.
     */
    default long counter(S state) {
        return 0;
    }

    /**
     * The largest {@link #counter} of a state in which {@code op} can still be applied (a write that
     * returned revision 7 needs revision 6 before it); {@link Long#MAX_VALUE} when there is no bound.
     * {@link #step} must return null above it.
     */
    default long ceiling(O op) {
        return Long.MAX_VALUE;
    }
}
