package dev.golt.raft.linearizability;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Wing &amp; Gong's linearizability search with Lowe's memoisation (as in Porcupine), on a key-value
 * store decomposed per key: a history is linearizable iff each key's sub-history is, because keys
 * are independent registers.
 */
public final class LinearizabilityChecker {

    /** @param key the first key whose history is not linearizable, or null */
    public record Result(boolean linearizable, String key, List<Operation> keyHistory) {
        @Override
        public String toString() {
            if (linearizable) {
                return "linearizable";
            }
            StringBuilder sb = new StringBuilder("not linearizable on key " + key + ":\n");
            for (Operation op : keyHistory) {
                sb.append("  ").append(op).append('\n');
            }
            return sb.toString();
        }
    }

    private LinearizabilityChecker() {}

    public static Result check(History history) {
        return check(history.operations());
    }

    public static Result check(List<Operation> operations) {
        Map<String, List<Operation>> byKey = new LinkedHashMap<>();
        for (Operation op : operations) {
            byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        for (Map.Entry<String, List<Operation>> e : byKey.entrySet()) {
            if (!checkKey(e.getValue())) {
                List<Operation> sorted = new ArrayList<>(e.getValue());
                sorted.sort(Comparator.comparingLong(Operation::invokedAt));
                return new Result(false, e.getKey(), sorted);
            }
        }
        return new Result(true, null, List.of());
    }

    /** Applies {@code op} to register state {@code state}; null result = the output is impossible. */
    private static final Object IMPOSSIBLE = new Object();

    private static Object step(String state, Operation op) {
        boolean known = op.known();
        return switch (op.kind()) {
            case PUT -> op.value();
            case GET -> !known || Objects.equals(state, op.readValue) ? state : IMPOSSIBLE;
            case DELETE -> !known || op.flag == (state != null) ? null : IMPOSSIBLE;
            case CAS -> {
                boolean swapped = Objects.equals(state, op.expected());
                if (known && op.flag != swapped) {
                    yield IMPOSSIBLE;
                }
                yield swapped ? op.value() : state;
            }
        };
    }

    /** A call or return event in a doubly linked list ordered by time. */
    private static final class Event {
        final Operation op;
        final int id;
        final boolean isCall;
        final long time;
        Event match;
        Event prev;
        Event next;

        Event(Operation op, int id, boolean isCall, long time) {
            this.op = op;
            this.id = id;
            this.isCall = isCall;
            this.time = time;
        }
    }

    private record CacheKey(BitSet linearized, String state) {}

    private record Frame(Event call, String stateBefore) {}

    static boolean checkKey(List<Operation> ops) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            Operation op = ops.get(i);
            Event call = new Event(op, i, true, op.invokedAt());
            Event ret = new Event(op, i, false, op.returnedAt());
            call.match = ret;
            events.add(call);
            events.add(ret);
        }
        // Calls before returns at equal time cannot happen (one clock), except NEVER returns.
        events.sort(Comparator.comparingLong((Event e) -> e.time).thenComparing(e -> e.isCall ? 0 : 1));
        Event head = new Event(null, -1, false, Long.MIN_VALUE);
        Event prev = head;
        for (Event e : events) {
            prev.next = e;
            e.prev = prev;
            prev = e;
        }

        BitSet linearized = new BitSet(ops.size());
        Set<CacheKey> cache = new HashSet<>();
        Deque<Frame> calls = new ArrayDeque<>();
        String state = null;
        Event entry = head.next;
        while (head.next != null) {
            if (entry == null) {
                return false;
            }
            if (entry.isCall) {
                Object next = step(state, entry.op);
                if (next != IMPOSSIBLE) {
                    BitSet candidate = (BitSet) linearized.clone();
                    candidate.set(entry.id);
                    if (cache.add(new CacheKey(candidate, (String) next))) {
                        calls.push(new Frame(entry, state));
                        state = (String) next;
                        linearized.set(entry.id);
                        lift(entry);
                        entry = head.next;
                        continue;
                    }
                }
                entry = entry.next;
            } else {
                // A return whose call is not linearized yet: backtrack.
                if (calls.isEmpty()) {
                    return false;
                }
                Frame f = calls.pop();
                state = f.stateBefore();
                linearized.clear(f.call().id);
                unlift(f.call());
                entry = f.call().next;
            }
        }
        return true;
    }

    private static void lift(Event call) {
        call.prev.next = call.next;
        if (call.next != null) {
            call.next.prev = call.prev;
        }
        Event ret = call.match;
        ret.prev.next = ret.next;
        if (ret.next != null) {
            ret.next.prev = ret.prev;
        }
    }

    private static void unlift(Event call) {
        Event ret = call.match;
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
