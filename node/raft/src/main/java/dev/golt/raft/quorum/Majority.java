package dev.golt.raft.quorum;

import java.util.Arrays;
import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * A set of voters that decides by simple majority (etcd-io/raft's quorum.MajorityConfig): the one
 * place where the core counts to a quorum, for commitment, elections, check-quorum and ReadIndex.
 *
 * <p>The core changes membership one server at a time (learners are added, then promoted), never
 * through joint consensus, so there is no joint configuration here. That is also why an empty
 * configuration commits nothing and wins nothing, where etcd's answers "everything" and "won" so
 * that an empty outgoing half of a joint configuration defers to the incoming one.
 */
public final class Majority {

    private static final Majority EMPTY = new Majority(Collections.emptySortedSet());

    private final SortedSet<String> voters;

    private Majority(SortedSet<String> voters) {
        this.voters = voters;
    }

    public static Majority of(Set<String> voters) {
        return voters.isEmpty() ? EMPTY : new Majority(Collections.unmodifiableSortedSet(new TreeSet<>(voters)));
    }

    public static Majority empty() {
        return EMPTY;
    }

    /** The voters in id order: iteration order decides message order, which must not vary between runs. */
    public SortedSet<String> voters() {
        return voters;
    }

    public boolean contains(String id) {
        return voters.contains(id);
    }

    public boolean isEmpty() {
        return voters.isEmpty();
    }

    /** How many voters make a majority. */
    public int quorum() {
        return voters.size() / 2 + 1;
    }

    /**
     * The highest index that a majority has acknowledged, given each voter's acknowledged index
     * ({@code 0} for a voter the caller knows nothing of); 0 for an empty configuration.
     */
    public long committedIndex(ToLongFunction<String> acked) {
        if (voters.isEmpty()) {
            return 0;
        }
        long[] indexes = new long[voters.size()];
        int i = 0;
        for (String v : voters) {
            indexes[i++] = acked.applyAsLong(v);
        }
        Arrays.sort(indexes);
        // Ascending order: a quorum's worth of voters sit at or above this position.
        return indexes[indexes.length - quorum()];
    }

    /**
     * Counts {@code votes} ({@code true} granted, {@code false} rejected, {@code null} not yet
     * heard); votes of non-members are ignored.
     */
    public VoteResult voteResult(Function<String, Boolean> votes) {
        int granted = 0;
        int rejected = 0;
        for (String v : voters) {
            Boolean b = votes.apply(v);
            if (b == null) {
                continue;
            }
            if (b) {
                granted++;
            } else {
                rejected++;
            }
        }
        int q = quorum();
        if (granted >= q) {
            return VoteResult.WON;
        }
        if (voters.size() - rejected < q) {
            return VoteResult.LOST;
        }
        return VoteResult.PENDING;
    }

    /** Whether the voters among {@code ids} form a majority. */
    public boolean isQuorum(Set<String> ids) {
        return voteResult(v -> ids.contains(v) ? Boolean.TRUE : null) == VoteResult.WON;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Majority m && voters.equals(m.voters);
    }

    @Override
    public int hashCode() {
        return voters.hashCode();
    }

    @Override
    public String toString() {
        return "(" + String.join(" ", voters) + ")";
    }
}
