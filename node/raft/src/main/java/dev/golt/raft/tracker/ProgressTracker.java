package dev.golt.raft.tracker;

import dev.golt.raft.quorum.Majority;
import dev.golt.raft.quorum.VoteResult;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The configuration (voters and learners), the leader's {@link Progress} of every other member,
 * and the votes of an election (etcd-io/raft's tracker.ProgressTracker).
 *
 * <p>Unlike etcd's, it holds no Progress for this node itself: the leader's own log is its own
 * acknowledgement, so the caller passes its durable last index where a count needs it.
 */
public final class ProgressTracker {

    private final String self;
    private final int maxInflight;
    private Majority voters = Majority.empty();
    private SortedSet<String> learners = Collections.emptySortedSet();
    // Sorted: iteration order decides message order, which must not vary between runs.
    private final SortedMap<String, Progress> progress = new TreeMap<>();
    private final Map<String, Boolean> votes = new HashMap<>();

    public ProgressTracker(String self, int maxInflight) {
        this.self = self;
        this.maxInflight = maxInflight;
    }

    // ---- configuration ------------------------------------------------------------------------

    public void setConfig(Collection<String> voterIds, Collection<String> learnerIds) {
        voters = Majority.of(new HashSet<>(voterIds));
        learners = Collections.unmodifiableSortedSet(new TreeSet<>(learnerIds));
    }

    public Majority voters() {
        return voters;
    }

    public boolean isLearner(String id) {
        return learners.contains(id);
    }

    // ---- progress -----------------------------------------------------------------------------

    /** The Progress of {@code id}, or null when it is this node or not tracked. */
    public Progress get(String id) {
        return progress.get(id);
    }

    /** Every other member's Progress, in id order; read-only. */
    public SortedMap<String, Progress> progress() {
        return Collections.unmodifiableSortedMap(progress);
    }

    /**
     * Tracks exactly the other members of the configuration: drops removed ones, starts new ones
     * probing at {@code next}, and keeps the learner flag in step with promotions.
     */
    public void syncProgress(long next) {
        Set<String> members = new HashSet<>(voters.voters());
        members.addAll(learners);
        members.remove(self);
        progress.keySet().retainAll(members);
        for (String m : members) {
            Progress pr = progress.get(m);
            if (pr == null) {
                pr = new Progress(next, maxInflight, learners.contains(m));
                pr.setRecentActive(true);
                progress.put(m, pr);
            }
            pr.setLearner(learners.contains(m));
        }
    }

    public void clearProgress() {
        progress.clear();
    }

    /** The highest index a majority of voters holds, counting this node at {@code selfMatch}. */
    public long committed(long selfMatch) {
        return voters.committedIndex(v -> {
            if (v.equals(self)) {
                return selfMatch;
            }
            Progress pr = progress.get(v);
            return pr == null ? 0 : pr.match();
        });
    }

    /** Whether a majority of voters (this node among them, if it is one) answered since the last reset. */
    public boolean quorumActive() {
        VoteResult active = voters.voteResult(v -> {
            if (v.equals(self)) {
                return true;
            }
            Progress pr = progress.get(v);
            return pr != null && pr.recentActive();
        });
        return active == VoteResult.WON;
    }

    /** Starts a new check-quorum period: members must answer again to count as active. */
    public void resetRecentActive() {
        for (Progress pr : progress.values()) {
            pr.setRecentActive(false);
        }
    }

    /** The voter other than this node with the highest match (the first in id order on a tie), or null. */
    public String mostUpToDateVoter() {
        String best = null;
        long bestMatch = -1;
        for (Map.Entry<String, Progress> e : progress.entrySet()) {
            if (voters.contains(e.getKey()) && e.getValue().match() > bestMatch) {
                best = e.getKey();
                bestMatch = e.getValue().match();
            }
        }
        return best;
    }

    // ---- votes --------------------------------------------------------------------------------

    public void resetVotes() {
        votes.clear();
    }

    /** Records {@code id}'s vote; a member's first answer in an election is the one that counts. */
    public void recordVote(String id, boolean granted) {
        votes.putIfAbsent(id, granted);
    }

    public VoteResult tallyVotes() {
        return voters.voteResult(votes::get);
    }
}
