package dev.golt.raft.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.raft.RaftStatus.ProgressState;
import dev.golt.raft.quorum.VoteResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leader's bookkeeping of its peers (after etcd-io/raft's tracker tests). */
class ProgressTrackerTest {

    private final ProgressTracker trk = new ProgressTracker("a", 4);

    private void configure(List<String> voters, List<String> learners) {
        trk.setConfig(voters, learners);
        trk.syncProgress(10);
    }

    @Test
    void syncingTracksEveryOtherMemberProbingFromTheGivenIndex() {
        configure(List.of("a", "b", "c"), List.of("d"));

        assertThat(trk.progress().keySet()).containsExactly("b", "c", "d");
        Progress d = trk.get("d");
        assertThat(d.learner()).isTrue();
        assertThat(d.state()).isEqualTo(ProgressState.PROBE);
        assertThat(d.next()).isEqualTo(10);
        assertThat(d.match()).isZero();
        assertThat(d.recentActive()).as("a new member is not cut off before it could answer").isTrue();
    }

    @Test
    void syncingDropsRemovedMembersAndKeepsTheProgressOfPromotedOnes() {
        configure(List.of("a", "b", "c"), List.of("d"));
        trk.get("d").maybeUpdate(7);

        trk.setConfig(List.of("a", "b", "d"), List.of());
        trk.syncProgress(20);

        assertThat(trk.progress().keySet()).containsExactly("b", "d");
        assertThat(trk.get("d").learner()).isFalse();
        assertThat(trk.get("d").match()).isEqualTo(7);
    }

    @Test
    void theCommittedIndexCountsTheLeaderAtTheIndexItIsGivenButNotLearners() {
        configure(List.of("a", "b", "c"), List.of("d"));
        trk.get("b").maybeUpdate(5);
        trk.get("d").maybeUpdate(9);

        assertThat(trk.committed(8)).isEqualTo(5);
        assertThat(trk.committed(3)).isEqualTo(3);
    }

    @Test
    void checkQuorumNeedsAMajorityOfVotersToHaveAnsweredSinceTheLastReset() {
        configure(List.of("a", "b", "c", "d", "e"), List.of("f"));
        assertThat(trk.quorumActive()).isTrue();

        trk.resetRecentActive();
        trk.get("b").setRecentActive(true);
        trk.get("f").setRecentActive(true);
        assertThat(trk.quorumActive()).as("the leader, one voter and a learner are not three voters").isFalse();

        trk.get("c").setRecentActive(true);
        assertThat(trk.quorumActive()).isTrue();
    }

    @Test
    void aMembersFirstVoteIsTheOneThatCountsAndLearnersDoNotVote() {
        configure(List.of("a", "b", "c"), List.of("d"));
        trk.recordVote("a", true);
        trk.recordVote("b", false);
        trk.recordVote("b", true);
        trk.recordVote("d", true);
        assertThat(trk.tallyVotes()).isEqualTo(VoteResult.PENDING);

        trk.recordVote("c", true);
        assertThat(trk.tallyVotes()).isEqualTo(VoteResult.WON);

        trk.resetVotes();
        assertThat(trk.tallyVotes()).isEqualTo(VoteResult.PENDING);
    }

    @Test
    void theMostUpToDateVoterIgnoresLearnersAndBreaksTiesByIdOrder() {
        configure(List.of("a", "b", "c"), List.of("d"));
        trk.get("b").maybeUpdate(4);
        trk.get("c").maybeUpdate(4);
        trk.get("d").maybeUpdate(9);

        assertThat(trk.mostUpToDateVoter()).isEqualTo("b");
    }
}
