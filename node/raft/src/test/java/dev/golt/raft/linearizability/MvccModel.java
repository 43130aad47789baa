package dev.golt.raft.linearizability;

import dev.golt.raft.linearizability.MvccOperation.KeyState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * etcd's multi-version key space as a {@link SequentialModel} of {@link MvccOperation}s: one
 * cluster-wide revision (1 before the first write), and every key's versions — value, create
 * revision, mod revision, version — by revision. Every write that changes something is exactly one
 * revision (a Txn too, whatever it does); a Txn whose compare fails and a delete of nothing change
 * nothing and leave the revision alone. A write returns the revision after it; a linearizable read
 * returns the key as it is and the current revision; a read at revision R returns the key as it was
 * at R, whichever node answers. The key space has one revision counter, so it is one partition; the
 * revision is the {@link #counter}, and every definite answer carrying a revision bounds where its
 * operation can go, which keeps the search narrow.
 *
 * <p>Nothing is ever compacted in this model (the tests that use it run far shorter than the
 * node's retention), so a "compacted" answer is never legal: etcd gives it only for a revision
 * below the compacted one.
 */
public final class MvccModel implements SequentialModel<MvccModel.State, MvccOperation> {

    /** The revision of an empty store, as in etcd: its first write is revision 2. */
    public static final long FIRST_REVISION = 1;

    /** A key's versions, newest first; a null state is a deletion. Immutable, so states share them. */
    private static final class Versions {
        final long revision;
        final KeyState state;
        final Versions older;
        final int hash;

        Versions(long revision, KeyState state, Versions older) {
            this.revision = revision;
            this.state = state;
            this.older = older;
            this.hash = 31 * (31 * Long.hashCode(revision) + Objects.hashCode(state)) + (older == null ? 0 : older.hash);
        }

        KeyState at(long rev) {
            for (Versions v = this; v != null; v = v.older) {
                if (v.revision <= rev) {
                    return v.state;
                }
            }
            return null;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            Versions a = this;
            Versions b = o instanceof Versions v ? v : null;
            // Iterative: a key's history is hundreds of versions long.
            while (a != b) {
                if (a == null || b == null || a.hash != b.hash || a.revision != b.revision
                        || !Objects.equals(a.state, b.state)) {
                    return false;
                }
                a = a.older;
                b = b.older;
            }
            return true;
        }
    }

    /** The revision and every key's versions. */
    public static final class State {
        final long revision;
        private final Map<String, Versions> keys;

        State(long revision, Map<String, Versions> keys) {
            this.revision = revision;
            this.keys = keys;
        }

        KeyState current(String key) {
            Versions v = keys.get(key);
            return v == null ? null : v.state;
        }

        KeyState at(String key, long rev) {
            Versions v = keys.get(key);
            return v == null ? null : v.at(rev);
        }

        /** The next revision, with {@code key} set to {@code state} (null: deleted). */
        State write(String key, KeyState state) {
            Map<String, Versions> next = new HashMap<>(keys);
            next.put(key, new Versions(revision + 1, state, keys.get(key)));
            return new State(revision + 1, next);
        }

        State put(String key, String value) {
            KeyState prev = current(key);
            long rev = revision + 1;
            return write(key, prev == null ? new KeyState(value, rev, rev, 1)
                    : new KeyState(value, prev.createRevision(), rev, prev.version() + 1));
        }

        @Override
        public int hashCode() {
            return 31 * Long.hashCode(revision) + keys.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof State s && s.revision == revision && s.keys.equals(keys);
        }

        @Override
        public String toString() {
            return "revision " + revision;
        }
    }

    /**
     * Values are unique, so a write of unknown outcome whose value some definite read returned took
     * effect, at the mod revision that read returned: pinned there, it can no longer be tried in
     * every gap of the revisions, and the wrong ones tried there fail at once (a pinned write has a
     * {@link #ceiling} like a write with an outcome).
     */
    @Override
    public void prepare(List<MvccOperation> operations) {
        Map<String, Long> writtenAt = new HashMap<>();
        for (MvccOperation op : operations) {
            if (op.known() && op.read != null) {
                writtenAt.put(op.key() + "\u0000" + op.read.value(), op.read.modRevision());
            }
            if (op.known() && op.error == null && (op.kind() == MvccOperation.Kind.RANGE
                    || op.kind() == MvccOperation.Kind.RANGE_AT || (op.kind() == MvccOperation.Kind.CAS && !op.succeeded))) {
                long at = op.kind() == MvccOperation.Kind.RANGE_AT ? op.atRevision() : op.revision;
                observed.computeIfAbsent(at, r -> new HashMap<>()).putIfAbsent(op.key(), op.read == null ? ABSENT : op.read);
            }
        }
        for (MvccOperation op : operations) {
            Long rev = op.value() == null ? null : writtenAt.get(op.key() + "\u0000" + op.value());
            if (!op.known() && rev != null && (op.kind() == MvccOperation.Kind.PUT || op.kind() == MvccOperation.Kind.CAS)) {
                op.pinned = true;
                op.revision = rev;
            }
        }
    }

    /** Stands for "absent" among the observations. */
    private static final KeyState ABSENT = new KeyState(null, 0, 0, 0);

    /**
     * What definite reads returned, by revision and key: the key space as of a revision is final once
     * the revision is written, so a write making revision R must leave every key as the reads of R
     * saw it. Checking that when the write is linearized, rather than when those reads are (which
     * can be much later: reads at past revisions), drops a wrong choice at once. Filled by
     * {@link #prepare}: this model is for one history.
     */
    private final Map<Long, Map<String, KeyState>> observed = new HashMap<>();

    /** {@code next}, or null when some read of its revision saw a key otherwise. */
    private State agreed(State next) {
        Map<String, KeyState> seen = observed.get(next.revision);
        if (seen != null) {
            for (Map.Entry<String, KeyState> e : seen.entrySet()) {
                KeyState now = next.current(e.getKey());
                if (!Objects.equals(now == null ? ABSENT : now, e.getValue())) {
                    return null;
                }
            }
        }
        return next;
    }

    @Override
    public State initial() {
        return new State(FIRST_REVISION, Map.of());
    }

    @Override
    public long counter(State state) {
        return state.revision;
    }

    @Override
    public long ceiling(MvccOperation op) {
        if (op.pinned) {
            return op.revision - 1;
        }
        if (!op.known() || (op.kind() == MvccOperation.Kind.RANGE_AT && op.serializable())) {
            return Long.MAX_VALUE;
        }
        if (op.error != null) {
            // A future revision is only answered while the store is below it; "compacted" never is.
            return op.error == MvccOperation.Error.FUTURE_REVISION ? op.atRevision() - 1 : Long.MAX_VALUE;
        }
        return op.revision - (bumps(op) ? 1 : 0);
    }

    /** Whether {@code op}'s definite outcome says it made a revision. */
    private static boolean bumps(MvccOperation op) {
        return switch (op.kind()) {
            case PUT -> true;
            case CAS -> op.succeeded;
            case DELETE -> op.deleted > 0;
            case RANGE, RANGE_AT -> false;
        };
    }

    @Override
    public State step(State s, MvccOperation op) {
        State next = apply(s, op);
        return next == null || next.revision == s.revision ? next : agreed(next);
    }

    private State apply(State s, MvccOperation op) {
        boolean known = op.known();
        String key = op.key();
        KeyState current = s.current(key);
        return switch (op.kind()) {
            case PUT -> (!known && !op.pinned) || op.revision == s.revision + 1 ? s.put(key, op.value()) : null;
            case RANGE -> !known || (op.revision == s.revision && Objects.equals(op.read, current)) ? s : null;
            case RANGE_AT -> {
                if (!known) {
                    yield s;
                }
                if (op.error != null) {
                    yield op.error == MvccOperation.Error.FUTURE_REVISION && op.atRevision() > s.revision ? s : null;
                }
                // A revision the store has not reached yet has no state to compare with: later, maybe.
                boolean fits = op.atRevision() <= s.revision && (op.serializable() || op.revision == s.revision)
                        && Objects.equals(op.read, s.at(key, op.atRevision()));
                yield fits ? s : null;
            }
            case CAS -> {
                boolean holds = op.expectedModRevision() == 0 ? current == null
                        : current != null && current.modRevision() == op.expectedModRevision();
                if (known && (op.succeeded != holds || (holds ? op.revision != s.revision + 1
                        : op.revision != s.revision || !Objects.equals(op.read, current)))) {
                    yield null;
                }
                if (op.pinned && (!holds || op.revision != s.revision + 1)) {
                    yield null;
                }
                yield holds ? s.put(key, op.value()) : s;
            }
            case DELETE -> {
                long deleted = current == null ? 0 : 1;
                if (known && (op.deleted != deleted || op.revision != s.revision + deleted)) {
                    yield null;
                }
                yield current == null ? s : s.write(key, null);
            }
        };
    }
}
