package dev.golt.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golt.proto.Entry;
import dev.golt.proto.EntryType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per rule of the Raft paper (Ongaro & Ousterhout, 2014) and its dissertation. */
class RaftPaperTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> data(List<Entry> entries) {
        return entries.stream().filter(e -> e.getType() == EntryType.ENTRY_NORMAL && !e.getData().isEmpty())
                .map(e -> e.getData().toStringUtf8()).toList();
    }

    @Test
    void candidateWithVotesFromMajorityBecomesLeader_5_2() {
        TestCluster c = new TestCluster("a", "b", "c");
        c.stabilize();
        c.campaign("a");
        assertThat(c.leader()).isEqualTo("a");
        assertThat(c.raft("b").status().leader()).isEqualTo("a");
        assertThat(c.raft("a").status().term()).isEqualTo(2);
    }

    @Test
    void leaderAppendsNoOpAndCommitsItOnElection_8() {
        TestCluster c = new TestCluster("a", "b", "c");
        c.stabilize();
        c.campaign("a");
        RaftStatus s = c.raft("a").status();
        assertThat(s.commitIndex()).isEqualTo(2);
        assertThat(c.node("b").applied).extracting(Entry::getIndex).containsExactly(1L, 2L);
    }

    @Test
    void leaderReplicatesAndCommitsProposalsOnAMajority_5_3() {
        TestCluster c = new TestCluster("a", "b", "c");
        c.stabilize();
        c.campaign("a");
        c.isolate("c");
        long idx = c.raft("a").propose(b("x"));
        c.stabilize();
        assertThat(c.raft("a").status().commitIndex()).isEqualTo(idx);
        assertThat(data(c.node("a").applied)).containsExactly("x");
        assertThat(data(c.node("b").applied)).containsExactly("x");
        assertThat(data(c.node("c").applied)).isEmpty();
        c.heal();
        c.tickAll(3);
        assertThat(data(c.node("c").applied)).containsExactly("x");
    }

    @Test
    void followerRejectsProposals() {
        TestCluster c = new TestCluster("a", "b", "c");
        c.stabilize();
        c.campaign("a");
        assertThatThrownBy(() -> c.raft("b").propose(b("x"))).isInstanceOf(ProposalDroppedException.class);
    }

    @Test
    void voterGrantsAtMostOneVotePerTerm_5_2() {
        TestCluster c = new TestCluster("a", "b", "c");
        c.stabilize();
        c.isolate("c");
        c.campaign("a");
        assertThat(c.leader()).isEqualTo("a");
        long term = c.raft("b").status().term();
        c.heal();
        // b voted for a in this term; a vote request from c for the same term must be refused.
        c.raft("b").step(dev.golt.proto.Message.newBuilder().setType(dev.golt.proto.MessageType.MSG_VOTE)
                .setFrom("c").setTo("b").setTerm(term).setIndex(100).setLogTerm(100).build());
        c.processReady(c.node("b"));
        assertThat(c.inFlight).anyMatch(m -> m.getType() == dev.golt.proto.MessageType.MSG_VOTE_RESP && m.getReject());
    }

    @Test
    void voterDeniesVoteToCandidateWithLessUpToDateLog_5_4_1() {
        TestCluster c = new TestCluster("a", "b", "c");
        c.stabilize();
        c.campaign("a");
        c.isolate("c");
        c.raft("a").propose(b("x"));
        c.stabilize();
        c.heal();
        c.isolate("a");
        // c lacks "x": b must refuse it; only b can then be elected.
        c.campaign("c");
        assertThat(c.raft("c").status().role()).isNotEqualTo(Role.LEADER);
        c.campaign("b");
        assertThat(c.raft("b").status().role()).isEqualTo(Role.LEADER);
    }

    @Test
    void partitionedNodeDoesNotDisruptHealthyClusterWithPreVote_9_6() {
        TestCluster c = new TestCluster("a", "b", "c");
        c.stabilize();
        c.campaign("a");
        long term = c.raft("a").status().term();
        c.isolate("c");
        for (int i = 0; i < 100; i++) {
            c.tickAll(1);
        }
        c.heal();
        c.tickAll(5);
        assertThat(c.leader()).isEqualTo("a");
        assertThat(c.raft("a").status().term()).isEqualTo(term);
    }

    @Test
    void leaderStepsDownWhenItLosesContactWithAQuorum_checkQuorum() {
        TestCluster c = new TestCluster("a", "b", "c");
        c.stabilize();
        c.campaign("a");
        c.isolate("a");
        c.tick("a", 2 * 10);
        assertThat(c.raft("a").status().role()).isEqualTo(Role.FOLLOWER);
    }

    @Test
    void readIndexOnLeaderWaitsForAHeartbeatQuorum_6_4() {
        TestCluster c = new TestCluster("a", "b", "c");
        c.stabilize();
        c.campaign("a");
        c.isolate("a");
        c.raft("a").readIndex(b("r1"));
        c.stabilize();
        assertThat(c.node("a").readStates).isEmpty();
        c.heal();
        c.tickAll(1);
        assertThat(c.node("a").readStates).hasSize(1);
        assertThat(c.node("a").readStates.get(0).index()).isEqualTo(c.raft("a").status().commitIndex());
    }

    @Test
    void readIndexOnFollowerIsObtainedFromLeader_6_4() {
        TestCluster c = new TestCluster("a", "b", "c");
        c.stabilize();
        c.campaign("a");
        c.raft("a").propose(b("x"));
        c.stabilize();
        c.raft("b").readIndex(b("r"));
        c.stabilize();
        assertThat(c.node("b").readStates).singleElement()
                .satisfies(r -> assertThat(r.index()).isEqualTo(3));
    }

    @Test
    void restartedNodeRecoversTermVoteAndLogFromStorage_5_1() {
        TestCluster c = new TestCluster("a", "b", "c");
        c.stabilize();
        c.campaign("a");
        c.raft("a").propose(b("x"));
        c.stabilize();
        RaftStatus before = c.raft("b").status();
        c.restart("b", 99);
        RaftStatus after = c.raft("b").status();
        assertThat(after.term()).isEqualTo(before.term());
        assertThat(after.lastIndex()).isEqualTo(before.lastIndex());
        assertThat(after.commitIndex()).isEqualTo(before.commitIndex());
        assertThat(after.confState().getVotersList()).containsExactlyInAnyOrder("a", "b", "c");
        c.stabilize();
        assertThat(data(c.node("b").applied)).containsExactly("x");
    }
}
