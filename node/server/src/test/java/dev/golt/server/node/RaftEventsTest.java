package dev.golt.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.proto.ConfState;
import dev.golt.raft.Role;
import org.junit.jupiter.api.Test;

/** The INFO lines of elections, leader and membership changes, snapshots and transfers, as an operator reads them. */
class RaftEventsTest {

    private final RaftEvents events = new RaftEvents("n1");

    @Test
    void anElectionIsLoggedWhenItStartsAndWhenItIsWonOrLost() {
        assertThat(events.roleChanged(Role.PRE_CANDIDATE, Role.CANDIDATE, 5, "", false))
                .isEqualTo("n1: election started for term 5 (election timeout)");
        assertThat(events.roleChanged(Role.FOLLOWER, Role.CANDIDATE, 6, "", true))
                .isEqualTo("n1: election started for term 6 (leadership transfer)");
        assertThat(events.roleChanged(Role.CANDIDATE, Role.LEADER, 6, "n1", false))
                .isEqualTo("n1: election won: leader at term 6");
        assertThat(events.roleChanged(Role.CANDIDATE, Role.FOLLOWER, 7, "n2", false))
                .isEqualTo("n1: election lost at term 7: leader is n2");
        assertThat(events.electionRestarted(8)).isEqualTo("n1: election started for term 8 (previous election timed out)");
    }

    @Test
    void aSoleVoterBecomingLeaderStraightFromFollowerIsAnElectionWon() {
        assertThat(events.roleChanged(Role.FOLLOWER, Role.LEADER, 1, "n1", false))
                .isEqualTo("n1: election won: leader at term 1");
    }

    @Test
    void aLeaderSteppingDownIsLoggedButAPreVoteRoundIsNot() {
        assertThat(events.roleChanged(Role.LEADER, Role.FOLLOWER, 9, "", false))
                .isEqualTo("n1: stepped down from leader at term 9 to follower");
        assertThat(events.roleChanged(Role.FOLLOWER, Role.PRE_CANDIDATE, 9, "", false)).isNull();
    }

    @Test
    void aLeaderChangeNamesTheOldAndTheNewLeader() {
        assertThat(events.leaderChanged("n2", "", 4)).isEqualTo("n1: leader changed at term 4: n2 -> none");
        assertThat(events.leaderChanged("", "n3", 5)).isEqualTo("n1: leader changed at term 5: none -> n3");
    }

    @Test
    void aMembershipChangeNamesWhoWasAddedRemovedAndPromoted() {
        ConfState before = ConfState.newBuilder().addVoters("n1").addVoters("n2").addVoters("n3").addLearners("n4").build();
        ConfState after = ConfState.newBuilder().addVoters("n1").addVoters("n2").addVoters("n4").addLearners("n5").build();
        assertThat(events.membershipApplied(42, before, after)).isEqualTo("n1: membership applied at index 42: "
                + "added [n5 (learner)], removed [n3], promoted [n4]; voters [n1, n2, n4], learners [n5]");
    }

    @Test
    void aConfigurationWithTheSameMembersInAnotherOrderIsNoMembershipChange() {
        ConfState before = ConfState.newBuilder().addVoters("n1").addVoters("n2").build();
        ConfState after = ConfState.newBuilder().addVoters("n2").addVoters("n1").build();
        assertThat(events.membershipApplied(1, before, after)).isNull();
    }

    @Test
    void snapshotsAndTransfersNameTheOtherMemberTheIndexAndTheTerm() {
        assertThat(events.snapshotSending("n3", 100, 2)).isEqualTo("n1: sending snapshot at index 100 (term 2) to n3");
        assertThat(events.snapshotInstalled("n2", 100, 2)).isEqualTo("n1: installed snapshot at index 100 (term 2) from n2");
        assertThat(events.transferStarted("n2", 3)).isEqualTo("n1: leadership transfer started at term 3: n1 -> n2");
        assertThat(events.transferDone("n2", 4)).isEqualTo("n1: leadership transfer done at term 4: n1 -> n2");
    }
}
