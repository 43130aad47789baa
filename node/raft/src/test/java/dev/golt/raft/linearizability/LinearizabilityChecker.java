package dev.golt.raft.linearizability;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Wing &amp; Gong's linearizability search with Lowe's memoisation (as in Porcupine), over any
 * {@link SequentialModel}, each of the model's partitions on its own. The key-value register model
 * of {@link Operation} is decomposed per key: a history is linearizable iff each key's sub-history
 * is, because keys are independent registers.
 */
public final class LinearizabilityChecker {

    /** @param key the first partition (for registers: key) whose history is not linearizable, or null */
    public record Result(boolean linearizable, Object key, List<? extends Timed> keyHistory) {
        @Override
        public String toString() {
            if (linearizable) {
                return "linearizable";
            }
            StringBuilder sb = new StringBuilder("not linearizable on " + (key instanceof String s && !s.isEmpty()
                    ? "key " + s : "the history") + ":\n");
            for (Timed op : keyHistory) {
                sb.append("  ").append(op).append('\n');
            }
            return sb.toString();
        }
    }

    /** The search explored more states than it may keep ({@code -Dlinearizability.max-states}): no answer. */
    public static final class Inconclusive extends RuntimeException {
        Inconclusive(String message) {
            super(message);
        }
    }

    /** About half a kilobyte each for histories of a thousand operations: a bound well below a test JVM's heap. */
    private static final int MAX_STATES = Integer.getInteger("linearizability.max-states", 2_000_000);

    private LinearizabilityChecker() {}

    public static Result check(History history) {
        return check(history.operations());
    }

    public static Result check(List<Operation> operations) {
        return check(operations, REGISTERS);
    }

    public static <S, O extends Timed> Result check(List<O> operations, SequentialModel<S, O> model) {
        model.prepare(operations);
        Map<Object, List<O>> byPartition = new LinkedHashMap<>();
        for (O op : operations) {
            byPartition.computeIfAbsent(model.partition(op), k -> new ArrayList<>()).add(op);
        }
        for (Map.Entry<Object, List<O>> e : byPartition.entrySet()) {
            if (!new Search<>(e.getValue(), model).linearizable()) {
                List<O> sorted = new ArrayList<>(e.getValue());
                sorted.sort(Comparator.comparingLong(Timed::invokedAt));
                return new Result(false, e.getKey(), sorted);
            }
        }
        return new Result(true, null, List.of());
    }

    /** A register per key; the state is the key's value, empty when absent. */
    private static final SequentialModel<Optional<String>, Operation> REGISTERS = new SequentialModel<>() {
        @Override
        public Optional<String> initial() {
            return Optional.empty();
        }

        @Override
        public Object partition(Operation op) {
            return op.key();
        }

        @Override
        public Optional<String> step(Optional<String> state, Operation op) {
            boolean known = op.known();
            String value = state.orElse(null);
            return switch (op.kind()) {
                case PUT -> Optional.of(op.value());
                case GET -> !known || Objects.equals(value, op.readValue) ? state : null;
                case DELETE -> !known || op.flag == (value != null) ? Optional.empty() : null;
                case CAS -> {
                    boolean swapped = Objects.equals(value, op.expected());
                    if (known && op.flag != swapped) {
                        yield null;
                    }
                    yield swapped ? Optional.ofNullable(op.value()) : state;
                }
            };
        }
    };

    /** A call or return event in a doubly linked list ordered by time. */
    private static final class Event<O> {
        final O op;
        final int id;
        final boolean isCall;
        final long time;
        Event<O> match;
        Event<O> prev;
        Event<O> next;

        Event(O op, int id, boolean isCall, long time) {
            this.op = op;
            this.id = id;
            this.isCall = isCall;
            this.time = time;
        }
    }

    private record CacheKey(BitSet linearized, Object state) {}

    private record Frame<S, O>(Event<O> call, S stateBefore) {}

    /** The search over one partition's operations. */
    private static final class Search<S, O extends Timed> {
        private final List<O> ops;
        private final SequentialModel<S, O> model;
        /** The operations' ceilings in ascending order, and each operation's place in that order. */
        private final long[] ceilings;
        private final int[] rank;
        /** Linearized operations by rank: the lowest clear bit is the lowest ceiling still to meet. */
        private final BitSet doneByRank;

        Search(List<O> ops, SequentialModel<S, O> model) {
            this.ops = ops;
            this.model = model;
            Integer[] order = new Integer[ops.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingLong(i -> model.ceiling(ops.get(i))));
            ceilings = new long[order.length];
            rank = new int[order.length];
            for (int r = 0; r < order.length; r++) {
                ceilings[r] = model.ceiling(ops.get(order[r]));
                rank[order[r]] = r;
            }
            doneByRank = new BitSet(order.length);
        }

        /** The lowest ceiling of the operations not linearized yet. */
        private long ceiling() {
            int r = doneByRank.nextClearBit(0);
            return r < ceilings.length ? ceilings[r] : Long.MAX_VALUE;
        }

        boolean linearizable() {
            List<Event<O>> events = new ArrayList<>();
            for (int i = 0; i < ops.size(); i++) {
                O op = ops.get(i);
                Event<O> call = new Event<>(op, i, true, op.invokedAt());
                Event<O> ret = new Event<>(op, i, false, op.returnedAt());
                call.match = ret;
                events.add(call);
                events.add(ret);
            }
            // Calls before returns at equal time cannot happen (one clock), except NEVER returns.
            events.sort(Comparator.comparingLong((Event<O> e) -> e.time).thenComparing(e -> e.isCall ? 0 : 1));
            Event<O> head = new Event<>(null, -1, false, Long.MIN_VALUE);
            Event<O> prev = head;
            for (Event<O> e : events) {
                prev.next = e;
                e.prev = prev;
                prev = e;
            }

            BitSet linearized = new BitSet(ops.size());
            Set<CacheKey> cache = new HashSet<>();
            Deque<Frame<S, O>> calls = new ArrayDeque<>();
            S state = model.initial();
            int knownLeft = (int) ops.stream().filter(op -> op.returnedAt() != TimedOperation.NEVER).count();
            Event<O> entry = head.next;
            // Once every operation with an outcome is linearized, those left (outcome unknown) can all
            // go last, where nothing observes them: done.
            while (knownLeft > 0) {
                if (entry == null) {
                    return false;
                }
                if (entry.isCall) {
                    S next = model.step(state, entry.op);
                    boolean known = entry.op.returnedAt() != TimedOperation.NEVER;
                    // An operation of unknown outcome that changes nothing here is never needed here
                    // either: nothing observes it, so it can go last instead. Leaving it for later
                    // keeps the search from trying it at every point of the history.
                    if (next != null && (known || !next.equals(state))) {
                        doneByRank.set(rank[entry.id]);
                        // A state past the ceiling of an operation still to come is a dead end.
                        if (model.counter(next) <= ceiling()) {
                            BitSet candidate = (BitSet) linearized.clone();
                            candidate.set(entry.id);
                            if (cache.add(new CacheKey(candidate, next))) {
                                if (cache.size() > MAX_STATES) {
                                    throw new Inconclusive("gave up after " + MAX_STATES + " states, at " + calls.size()
                                            + " of " + ops.size() + " operations linearized");
                                }
                                calls.push(new Frame<>(entry, state));
                                state = next;
                                linearized.set(entry.id);
                                knownLeft -= known ? 1 : 0;
                                lift(entry);
                                entry = head.next;
                                continue;
                            }
                        }
                        doneByRank.clear(rank[entry.id]);
                    }
                    entry = entry.next;
                } else {
                    // A return whose call is not linearized yet: backtrack.
                    if (calls.isEmpty()) {
                        return false;
                    }
                    Frame<S, O> f = calls.pop();
                    state = f.stateBefore();
                    linearized.clear(f.call().id);
                    doneByRank.clear(rank[f.call().id]);
                    knownLeft += f.call().op.returnedAt() != TimedOperation.NEVER ? 1 : 0;
                    unlift(f.call());
                    entry = f.call().next;
                }
            }
            return true;
        }
    }

    private static <O> void lift(Event<O> call) {
        call.prev.next = call.next;
        if (call.next != null) {
            call.next.prev = call.prev;
        }
        Event<O> ret = call.match;
        ret.prev.next = ret.next;
        if (ret.next != null) {
            ret.next.prev = ret.prev;
        }
    }

    private static <O> void unlift(Event<O> call) {
        Event<O> ret = call.match;
        ret.prev.next = ret;
        if (ret.next != null) {
            ret.next.prev = ret;
        }
        call.prev.next = call;
        if (call.next != null) {
            call.next.prev = call;
        }
    }
}
