package dev.golt.raft;

import dev.golt.proto.Entry;
import dev.golt.proto.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * The log as the core sees it: the persisted part read through {@link LogStorage} plus an unstable
 * tail (entries and possibly a received snapshot) not yet handed to the driver's storage (etcd's
 * raftLog + unstable).
 */
final class RaftLog {

    private final LogStorage storage;
    /** Unstable entries; {@code unstable.get(0)} has index {@link #unstableOffset}. */
    private final ArrayList<Entry> unstable = new ArrayList<>();
    private long unstableOffset;
    /** A snapshot received from the leader and not yet persisted. */
    private SnapshotMetadata pendingSnapshot;

    long committed;
    long applied;
    /** The suffix actually written by the last successful {@link #maybeAppend} (empty if none). */
    List<Entry> lastAppended = List.of();

    RaftLog(LogStorage storage) {
        this.storage = storage;
        this.unstableOffset = storage.lastIndex() + 1;
        long snapIndex = storage.firstIndex() - 1;
        this.committed = snapIndex;
        this.applied = snapIndex;
    }

    long firstIndex() {
        return pendingSnapshot != null ? pendingSnapshot.getIndex() + 1 : storage.firstIndex();
    }

    long lastIndex() {
        if (!unstable.isEmpty()) {
            return unstableOffset + unstable.size() - 1;
        }
        if (pendingSnapshot != null) {
            return pendingSnapshot.getIndex();
        }
        return storage.lastIndex();
    }

    /** Highest index known durable and part of this log (the leader counts itself up to here). */
    long stableLastIndex() {
        if (pendingSnapshot != null) {
            return 0;
        }
        return Math.min(unstableOffset - 1, storage.lastIndex());
    }

    long lastTerm() {
        return term(lastIndex());
    }

    /** Term at {@code index}; 0 when beyond the log. @throws LogCompactedException when compacted. */
    long term(long index) {
        if (index == 0) {
            return 0;
        }
        if (pendingSnapshot != null && index == pendingSnapshot.getIndex()) {
            return pendingSnapshot.getTerm();
        }
        if (index >= unstableOffset) {
            long pos = index - unstableOffset;
            return pos < unstable.size() ? unstable.get((int) pos).getTerm() : 0;
        }
        if (pendingSnapshot != null && index < pendingSnapshot.getIndex()) {
            throw new LogCompactedException(index, pendingSnapshot.getIndex() + 1);
        }
        if (index > storage.lastIndex()) {
            return 0;
        }
        return storage.term(index);
    }

    /** Like {@link #term} but 0 for compacted indexes. */
    long termOrZero(long index) {
        try {
            return term(index);
        } catch (LogCompactedException e) {
            return 0;
        }
    }

    boolean matchTerm(long index, long term) {
        if (index > lastIndex()) {
            return false;
        }
        try {
            return term(index) == term;
        } catch (LogCompactedException e) {
            return false;
        }
    }

    boolean isUpToDate(long lastIndex, long lastTerm) {
        long myTerm = lastTerm();
        return lastTerm > myTerm || (lastTerm == myTerm && lastIndex >= lastIndex());
    }

    /**
     * Follower side of AppendEntries.
     *
     * @return the index of the last new entry, or -1 when the consistency check fails
     */
    long maybeAppend(long index, long logTerm, long commit, List<Entry> ents) {
        if (!matchTerm(index, logTerm)) {
            return -1;
        }
        long lastNew = index + ents.size();
        long conflict = findConflict(ents);
        lastAppended = List.of();
        if (conflict != 0) {
            if (conflict <= committed) {
                throw new IllegalStateException("entry " + conflict + " conflicts with committed entry (committed " + committed + ")");
            }
            lastAppended = ents.subList((int) (conflict - (index + 1)), ents.size());
            append(lastAppended);
        }
        commitTo(Math.min(commit, lastNew));
        return lastNew;
    }

    /** First index whose term differs from the given entries', or 0 when all are present already. */
    private long findConflict(List<Entry> ents) {
        for (Entry e : ents) {
            if (!matchTerm(e.getIndex(), e.getTerm())) {
                return e.getIndex();
            }
        }
        return 0;
    }

    /**
     * Largest index {@code <= index} whose term is {@code <= term} (fast backtracking, etcd's
     * findConflictByTerm); stops at the compaction boundary.
     */
    long findConflictByTerm(long index, long term) {
        long first = firstIndex() - 1;
        for (long i = Math.min(index, lastIndex()); i > first; i--) {
            if (termOrZero(i) <= term) {
                return i;
            }
        }
        return first;
    }

    /** Appends (truncating any conflicting suffix) and returns the new last index. */
    long append(List<Entry> ents) {
        if (ents.isEmpty()) {
            return lastIndex();
        }
        long after = ents.get(0).getIndex();
        if (after <= committed) {
            throw new IllegalStateException("append at " + after + " would overwrite committed " + committed);
        }
        if (after == unstableOffset + unstable.size()) {
            unstable.addAll(ents);
        } else if (after <= unstableOffset) {
            // Replaces part of the stable log too: the driver's append truncates it.
            unstableOffset = after;
            unstable.clear();
            unstable.addAll(ents);
        } else {
            unstable.subList((int) (after - unstableOffset), unstable.size()).clear();
            unstable.addAll(ents);
        }
        return lastIndex();
    }

    void appendOne(Entry e) {
        if (e.getIndex() != lastIndex() + 1) {
            throw new IllegalStateException("appending " + e.getIndex() + " after " + lastIndex());
        }
        unstable.add(e);
    }

    void commitTo(long index) {
        if (index > committed) {
            if (index > lastIndex()) {
                throw new IllegalStateException("commit " + index + " beyond last index " + lastIndex());
            }
            committed = index;
        }
    }

    boolean maybeCommit(long index, long term) {
        if (index > committed && termOrZero(index) == term) {
            commitTo(index);
            return true;
        }
        return false;
    }

    /**
     * Entries in {@code [lo, lastIndex]} up to the limits, at least one if any.
     *
     * @throws LogCompactedException when {@code lo} is compacted
     */
    List<Entry> entries(long lo, long maxBytes, int maxCount) {
        return slice(lo, lastIndex() + 1, maxBytes, maxCount);
    }

    List<Entry> slice(long lo, long hi, long maxBytes, int maxCount) {
        if (lo >= hi) {
            return List.of();
        }
        if (lo < firstIndex()) {
            throw new LogCompactedException(lo, firstIndex());
        }
        hi = Math.min(hi, lo + maxCount);
        List<Entry> out = new ArrayList<>();
        long size = 0;
        if (lo < unstableOffset) {
            List<Entry> stored = storage.entries(lo, Math.min(hi, unstableOffset), maxBytes);
            for (Entry e : stored) {
                size += e.getSerializedSize();
            }
            out.addAll(stored);
            if (out.size() < Math.min(hi, unstableOffset) - lo) {
                return out;
            }
        }
        long from = Math.max(lo, unstableOffset);
        for (long i = from; i < hi; i++) {
            Entry e = unstable.get((int) (i - unstableOffset));
            size += e.getSerializedSize();
            if (!out.isEmpty() && size > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    // ---- Ready / advance ---------------------------------------------------------------------

    boolean hasUnstableEntries() {
        return !unstable.isEmpty();
    }

    List<Entry> unstableEntries() {
        return unstable.isEmpty() ? List.of() : List.copyOf(unstable);
    }

    SnapshotMetadata pendingSnapshot() {
        return pendingSnapshot;
    }

    boolean hasNextCommitted() {
        return pendingSnapshot == null && committed > Math.max(applied, firstIndex() - 1);
    }

    List<Entry> nextCommitted(long maxBytes) {
        if (!hasNextCommitted()) {
            return List.of();
        }
        long lo = Math.max(applied + 1, firstIndex());
        return slice(lo, committed + 1, maxBytes, Integer.MAX_VALUE);
    }

    /** The driver persisted entries up to {@code index} (of {@code term}). */
    void stableTo(long index, long term) {
        if (index < unstableOffset || index >= unstableOffset + unstable.size()) {
            return;
        }
        if (unstable.get((int) (index - unstableOffset)).getTerm() != term) {
            return;
        }
        int n = (int) (index - unstableOffset + 1);
        if (n == unstable.size()) {
            unstable.clear();
        } else {
            unstable.subList(0, n).clear();
        }
        unstableOffset = index + 1;
    }

    void stableSnapTo(long index) {
        if (pendingSnapshot != null && pendingSnapshot.getIndex() == index) {
            pendingSnapshot = null;
        }
    }

    void appliedTo(long index) {
        if (index > applied) {
            applied = index;
        }
    }

    void restore(SnapshotMetadata snap) {
        pendingSnapshot = snap;
        unstable.clear();
        unstableOffset = snap.getIndex() + 1;
        committed = snap.getIndex();
    }
}
