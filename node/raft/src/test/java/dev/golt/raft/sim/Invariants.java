package dev.golt.raft.sim;

import dev.golt.proto.Entry;
import dev.golt.proto.SnapshotMetadata;
import dev.golt.raft.MemoryStorage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The safety properties of Raft (Figure 3 of the paper), checked incrementally as the simulated
 * nodes persist, commit and apply: every change to any log goes through here.
 */
final class Invariants {

    static final class Violation extends RuntimeException {
        final String invariant;

        Violation(String invariant, String detail) {
            super(invariant + ": " + detail);
            this.invariant = invariant;
        }
    }

    private record IndexTerm(long index, long term) {}

    private record Appended(Entry entry, long prevTerm, String node) {}

    private final Map<Long, String> leaderOfTerm = new HashMap<>();
    private final Map<IndexTerm, Appended> appended = new HashMap<>();
    private final Map<Long, Entry> committed = new HashMap<>();
    private final Map<Long, String> committedBy = new HashMap<>();
    /** Per committed index, the lowest term in which a node reported it committed: the committing leader's term, or later. */
    private final Map<Long, Long> committedInTerm = new HashMap<>();
    private long maxCommitted;

    long maxCommitted() {
        return maxCommitted;
    }

    /** Election Safety: at most one leader per term. */
    void leaderElected(String node, long term) {
        String prev = leaderOfTerm.putIfAbsent(term, node);
        if (prev != null && !prev.equals(node)) {
            throw new Violation("Election Safety", "both " + prev + " and " + node + " led term " + term);
        }
    }

    /**
     * Log Matching: an (index, term) pair identifies one entry and one predecessor term, which by
     * induction makes two logs identical up to any entry they share.
     */
    void appendedEntries(String node, MemoryStorage storage, List<Entry> entries) {
        for (Entry e : entries) {
            long prevTerm = prevTerm(storage, e.getIndex());
            Appended a = new Appended(e, prevTerm, node);
            Appended prev = appended.putIfAbsent(new IndexTerm(e.getIndex(), e.getTerm()), a);
            if (prev != null) {
                if (!prev.entry().getData().equals(e.getData()) || prev.entry().getType() != e.getType()) {
                    throw new Violation("Log Matching", node + " and " + prev.node() + " hold different entries at index "
                            + e.getIndex() + " term " + e.getTerm());
                }
                if (prevTerm >= 0 && prev.prevTerm() >= 0 && prevTerm != prev.prevTerm()) {
                    throw new Violation("Log Matching", node + " and " + prev.node() + " share entry " + e.getIndex()
                            + "/" + e.getTerm() + " but differ at index " + (e.getIndex() - 1) + " (terms " + prevTerm
                            + " vs " + prev.prevTerm() + ")");
                }
            }
        }
    }

    private static long prevTerm(MemoryStorage s, long index) {
        if (index - 1 < s.firstIndex() - 1) {
            return -1;
        }
        return s.term(index - 1);
    }

    /** A node in {@code term} reports {@code e} committed (persisted commit index) or applies it: all must agree. */
    void committed(String node, long term, Entry e, String how) {
        committedInTerm.merge(e.getIndex(), term, Math::min);
        Entry prev = committed.putIfAbsent(e.getIndex(), e);
        if (prev == null) {
            committedBy.put(e.getIndex(), node);
            maxCommitted = Math.max(maxCommitted, e.getIndex());
            return;
        }
        if (prev.getTerm() != e.getTerm() || !prev.getData().equals(e.getData()) || prev.getType() != e.getType()) {
            throw new Violation("State Machine Safety", node + " " + how + " entry " + e.getIndex() + " of term "
                    + e.getTerm() + " but " + committedBy.get(e.getIndex()) + " had committed term " + prev.getTerm()
                    + " there");
        }
    }

    void snapshotInstalled(String node, long term, SnapshotMetadata meta) {
        committedInTerm.merge(meta.getIndex(), term, Math::min);
        Entry prev = committed.get(meta.getIndex());
        if (prev != null && prev.getTerm() != meta.getTerm()) {
            throw new Violation("State Machine Safety", node + " installed a snapshot at " + meta.getIndex() + "/"
                    + meta.getTerm() + " but term " + prev.getTerm() + " was committed there");
        }
        maxCommitted = Math.max(maxCommitted, meta.getIndex());
    }

    /**
     * Leader Completeness (and "no committed entry is ever lost"): a leader's persisted log holds
     * every entry committed in an earlier term. A leader of an older term elected late (votes that
     * waited in a paused node's socket) need not hold what a later term committed; it cannot commit
     * over it either, as the quorum holding such an entry has moved past its term.
     */
    void leaderComplete(String node, long term, MemoryStorage storage) {
        for (long i = storage.firstIndex(); i <= maxCommitted; i++) {
            Long in = committedInTerm.get(i);
            if (in == null || in >= term) {
                continue;
            }
            if (i > storage.lastIndex()) {
                throw new Violation("Leader Completeness", node + " leads term " + term + " with last index "
                        + storage.lastIndex() + " but " + i + " was committed in term " + in);
            }
            Entry c = committed.get(i);
            long t = storage.term(i);
            if (c != null && t != c.getTerm()) {
                throw new Violation("Leader Completeness", node + " leads term " + term + " but has term " + t
                        + " at index " + i + " where " + committedBy.get(i) + " committed term " + c.getTerm());
            }
        }
    }
}
