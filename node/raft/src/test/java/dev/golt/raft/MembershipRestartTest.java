package dev.golt.raft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golt.proto.ConfChange;
import dev.golt.proto.ConfChangeType;
import dev.golt.proto.ConfState;
import dev.golt.proto.Entry;
import dev.golt.proto.EntryType;
import dev.golt.proto.HardState;
import dev.golt.proto.SnapshotMetadata;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Membership recovered at restart, which the core alone derives (the storage keeps only the last
 * snapshot's configuration, as in etcd-raft): the snapshot's configuration plus every conf change
 * appended after it, committed or not, because in Raft a configuration takes effect when appended.
 */
class MembershipRestartTest {

    private static ConfChange addLearner(String id) {
        return ConfChange.newBuilder().setType(ConfChangeType.CONF_ADD_LEARNER).setNodeId(id).setAddress(id + ":7000").build();
    }

    private static final ConfState ABC = ConfState.newBuilder().addVoters("a").addVoters("b").addVoters("c").build();

    /**
     * Member b restarted on a log compacted to a snapshot at 10 (voters a, b, c), then d added as a
     * learner at 11 (committed) and c removed at 12 (appended, not committed).
     */
    private static RawNode restartedAfterSnapshotAndTwoChanges() {
        MemoryStorage storage = new MemoryStorage();
        storage.applySnapshot(SnapshotMetadata.newBuilder().setIndex(10).setTerm(2).setConfState(ABC).build());
        storage.append(List.of(
                confEntry(11, 2, addLearner("d")),
                confEntry(12, 2, ConfChange.newBuilder().setType(ConfChangeType.CONF_REMOVE_NODE).setNodeId("c").build())));
        storage.setHardState(HardState.newBuilder().setTerm(2).setCommit(11).build());
        return new RawNode(new RaftConfig("b", 10, 20, 1, 1 << 20, 64, 16, true, true, 7), storage, ConfState.getDefaultInstance());
    }

    private static Entry confEntry(long index, long term, ConfChange cc) {
        return Entry.newBuilder().setIndex(index).setTerm(term).setType(EntryType.ENTRY_CONF_CHANGE)
                .setData(cc.toByteString()).build();
    }

    @Test
    void aFollowerRestartedAfterAppendingAnUncommittedConfChangeStillHasTheNewConfiguration() {
        TestCluster c = new TestCluster("a", "b", "c");
        c.stabilize();
        c.campaign("a");
        // b receives the change but a never hears back from anyone, so it cannot commit it.
        c.cut.add("a->c");
        c.cut.add("b->a");
        long index = c.raft("a").proposeConfChange(addLearner("d"));
        c.stabilize();
        assertThat(c.raft("b").status().lastIndex()).isEqualTo(index);
        assertThat(c.raft("b").status().commitIndex()).isLessThan(index);

        c.restart("b", 42);

        assertThat(c.raft("b").status().commitIndex()).isLessThan(index);
        assertThat(c.raft("b").status().confState().getVotersList()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(c.raft("b").status().confState().getLearnersList()).containsExactly("d");
    }

    @Test
    void aNodeRestartedOnACompactedLogStartsFromTheSnapshotsConfigurationAndReplaysTheChangesAfterIt() {
        RawNode restarted = restartedAfterSnapshotAndTwoChanges();

        assertThat(restarted.status().confState().getVotersList()).containsExactlyInAnyOrder("a", "b");
        assertThat(restarted.status().confState().getLearnersList()).containsExactly("d");
    }

    @Test
    void theConfigurationAsOfAnAppliedIndexLeavesOutChangesAppendedAfterIt() {
        RawNode node = restartedAfterSnapshotAndTwoChanges();

        // A snapshot of the state machine at 11 must not record the removal at 12: a new leader may overwrite it.
        assertThat(node.confStateAt(10)).isEqualTo(ABC);
        assertThat(node.confStateAt(11).getVotersList()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(node.confStateAt(11).getLearnersList()).containsExactly("d");
        assertThat(node.confStateAt(12).getVotersList()).containsExactlyInAnyOrder("a", "b");
        assertThat(node.confStateAt(12)).isEqualTo(node.status().confState());
    }
}
