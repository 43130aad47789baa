package dev.golt.raft;

import dev.golt.raft.RaftStatus.ProgressState;

/** The leader's view of one member's log (etcd's tracker.Progress). */
final class Progress {

    long match;
    long next;
    ProgressState state = ProgressState.PROBE;
    /** In probe state: one append is outstanding, wait for its answer or a heartbeat response. */
    boolean probeSent;
    long pendingSnapshot;
    boolean recentActive;
    boolean learner;
    final Inflights inflights;

    Progress(long next, int maxInflight, boolean learner) {
        this.next = next;
        this.inflights = new Inflights(maxInflight);
        this.learner = learner;
    }

    void becomeProbe() {
        if (state == ProgressState.SNAPSHOT) {
            long pending = pendingSnapshot;
            resetState(ProgressState.PROBE);
            next = Math.max(match + 1, pending + 1);
        } else {
            resetState(ProgressState.PROBE);
            next = match + 1;
        }
    }

    void becomeReplicate() {
        resetState(ProgressState.REPLICATE);
        next = match + 1;
    }

    void becomeSnapshot(long snapshotIndex) {
        resetState(ProgressState.SNAPSHOT);
        pendingSnapshot = snapshotIndex;
    }

    private void resetState(ProgressState s) {
        probeSent = false;
        pendingSnapshot = 0;
        state = s;
        inflights.reset();
    }

    /** An append up to {@code n} was acknowledged; returns whether match moved. */
    boolean maybeUpdate(long n) {
        boolean updated = false;
        if (match < n) {
            match = n;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, n + 1);
        return updated;
    }

    /** The entries we last sent were based on index {@code lastSent}. */
    void sentEntries(long lastIndex, int count) {
        if (state == ProgressState.REPLICATE) {
            if (count > 0) {
                next = lastIndex + 1;
                inflights.add(lastIndex);
            }
        } else if (state == ProgressState.PROBE) {
            probeSent = true;
        }
    }

    /**
     * The follower rejected an append at {@code rejected}; {@code matchHint} is the highest index it
     * might have. Returns false for a stale rejection.
     */
    boolean maybeDecrTo(long rejected, long matchHint) {
        if (state == ProgressState.REPLICATE) {
            if (rejected <= match) {
                return false;
            }
            next = match + 1;
            return true;
        }
        if (next - 1 != rejected) {
            return false;
        }
        next = Math.max(Math.min(rejected, matchHint + 1), match + 1);
        probeSent = false;
        return true;
    }

    boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflights.full();
            case SNAPSHOT -> true;
        };
    }

    RaftStatus.Progress snapshot() {
        return new RaftStatus.Progress(match, next, state, recentActive, learner);
    }

    @Override
    public String toString() {
        return state + " match=" + match + " next=" + next + (learner ? " learner" : "")
                + (state == ProgressState.SNAPSHOT ? " pendingSnap=" + pendingSnapshot : "")
                + (isPaused() ? " paused" : "");
    }

    /** A bounded ring of the last indexes of appends in flight (the pipelining window). */
    static final class Inflights {
        private final long[] buffer;
        private int start;
        private int count;

        Inflights(int size) {
            buffer = new long[size];
        }

        void add(long lastIndex) {
            if (full()) {
                throw new IllegalStateException("inflights full");
            }
            buffer[(start + count) % buffer.length] = lastIndex;
            count++;
        }

        /** Frees every in-flight append whose last index is {@code <= to}. */
        void freeLE(long to) {
            while (count > 0 && buffer[start] <= to) {
                start = (start + 1) % buffer.length;
                count--;
            }
            if (count == 0) {
                start = 0;
            }
        }

        void freeFirstOne() {
            if (count > 0) {
                start = (start + 1) % buffer.length;
                count--;
            }
        }

        boolean full() {
            return count == buffer.length;
        }

        int count() {
            return count;
        }

        void reset() {
            start = 0;
            count = 0;
        }
    }
}
