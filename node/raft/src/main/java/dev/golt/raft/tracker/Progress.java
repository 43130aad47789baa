package dev.golt.raft.tracker;

import dev.golt.raft.RaftStatus;
import dev.golt.raft.RaftStatus.ProgressState;

/**
 * The leader's view of one follower's log and the flow control of what it sends there
 * (etcd-io/raft's tracker.Progress).
 *
 * <p>Fields and their invariants:
 * <ul>
 *   <li>{@code match}: the highest index the follower is known to hold in agreement with the
 *       leader's log (0 until the first acknowledgement). Only grows while this leadership lasts.
 *   <li>{@code next}: the first index the leader sends next. Always {@code match <= next - 1};
 *       indexes in between are in flight, or presumed lost and about to be resent.
 *   <li>{@code state}: one of
 *       <ul>
 *         <li>PROBE: the leader does not know where the follower's log stops agreeing with its own.
 *             It sends one append at a time, from {@code next}, and then waits
 *             ({@code probeSent}) for its answer or a heartbeat response; a rejection moves
 *             {@code next} back (by the follower's hint), an acceptance moves to REPLICATE.
 *             Nothing is in {@code inflights}.
 *         <li>REPLICATE: the follower is known to follow; the leader streams appends without
 *             waiting, advancing {@code next} past each one it sends, up to {@code maxInflight}
 *             appends in flight ({@link Inflights}), each freed when acknowledged. Paused while the
 *             window is full. A rejection falls back to PROBE at {@code match + 1}.
 *         <li>SNAPSHOT: what the follower needs is compacted away; the leader sent the snapshot at
 *             {@code pendingSnapshot} and sends nothing more (always paused) until the follower's
 *             answer shows it caught up, or the driver reports the snapshot delivered or failed.
 *       </ul>
 *   <li>{@code probeSent}: PROBE only (cleared on every state change): an append is unanswered.
 *   <li>{@code pendingSnapshot}: SNAPSHOT only (0 otherwise): the index of the snapshot sent.
 *   <li>{@code recentActive}: the follower answered since the last check-quorum; true when the
 *       leader starts tracking it, so a new member is not cut off before it could answer.
 *   <li>{@code learner}: the member replicates but does not count towards any quorum.
 * </ul>
 */
public final class Progress {

    private long match;
    private long next;
    private ProgressState state = ProgressState.PROBE;
    private boolean probeSent;
    private long pendingSnapshot;
    private boolean recentActive;
    private boolean learner;
    private final Inflights inflights;

    Progress(long next, int maxInflight, boolean learner) {
        this.next = next;
        this.inflights = new Inflights(maxInflight);
        this.learner = learner;
    }

    public long match() {
        return match;
    }

    public long next() {
        return next;
    }

    public ProgressState state() {
        return state;
    }

    public long pendingSnapshot() {
        return pendingSnapshot;
    }

    public boolean recentActive() {
        return recentActive;
    }

    public void setRecentActive(boolean active) {
        recentActive = active;
    }

    public void setProbeSent(boolean sent) {
        probeSent = sent;
    }

    public boolean learner() {
        return learner;
    }

    void setLearner(boolean learner) {
        this.learner = learner;
    }

    public Inflights inflights() {
        return inflights;
    }

    public void becomeProbe() {
        if (state == ProgressState.SNAPSHOT) {
            // The follower presumably has the snapshot now: probe after it, not after match.
            long pending = pendingSnapshot;
            resetState(ProgressState.PROBE);
            next = Math.max(match + 1, pending + 1);
        } else {
            resetState(ProgressState.PROBE);
            next = match + 1;
        }
    }

    public void becomeReplicate() {
        resetState(ProgressState.REPLICATE);
        next = match + 1;
    }

    public void becomeSnapshot(long snapshotIndex) {
        resetState(ProgressState.SNAPSHOT);
        pendingSnapshot = snapshotIndex;
    }

    /** A failed snapshot proves nothing of the follower's log, so the next probe starts after match. */
    public void snapshotFailed() {
        pendingSnapshot = 0;
    }

    private void resetState(ProgressState s) {
        probeSent = false;
        pendingSnapshot = 0;
        state = s;
        inflights.reset();
    }

    /** An append up to {@code n} was acknowledged; returns whether match moved. */
    public boolean maybeUpdate(long n) {
        boolean updated = false;
        if (match < n) {
            match = n;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, n + 1);
        return updated;
    }

    /** An append of {@code count} entries ending at {@code lastIndex} was sent. */
    public void sentEntries(long lastIndex, int count) {
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
    public boolean maybeDecrTo(long rejected, long matchHint) {
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

    public boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflights.full();
            case SNAPSHOT -> true;
        };
    }

    public RaftStatus.Progress status() {
        return new RaftStatus.Progress(match, next, state, recentActive, learner);
    }

    @Override
    public String toString() {
        return state + " match=" + match + " next=" + next + (learner ? " learner" : "")
                + (state == ProgressState.SNAPSHOT ? " pendingSnap=" + pendingSnapshot : "")
                + (isPaused() ? " paused" : "");
    }
}
