package dev.golt.raft;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.golt.proto.ConfState;
import dev.golt.proto.Entry;
import dev.golt.proto.Message;
import dev.golt.proto.MessageType;
import dev.golt.proto.SnapshotMetadata;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** InstallSnapshot (Raft §7): a follower installs a newer snapshot and refuses a stale one. */
class SnapshotInstallTest {

    private static final ConfState ABC = ConfState.newBuilder().addVoters("a").addVoters("b").addVoters("c").build();

    private final MemoryStorage storage = new MemoryStorage();
    private final RawNode follower = new RawNode(
            new RaftConfig("b", 10, 20, 1, 1 << 20, 64, 16, true, true, 7), storage, ABC);

    private static Message snap(long index, long term, ConfState cs) {
        return Message.newBuilder().setType(MessageType.MSG_SNAP).setFrom("a").setTo("b").setTerm(3)
                .setSnapshot(SnapshotMetadata.newBuilder().setIndex(index).setTerm(term).setConfState(cs)).build();
    }

    private static Message append(long prevIndex, long prevTerm, long commit, long... indexes) {
        Message.Builder m = Message.newBuilder().setType(MessageType.MSG_APP).setFrom("a").setTo("b").setTerm(3)
                .setIndex(prevIndex).setLogTerm(prevTerm).setCommit(commit);
        for (long i : indexes) {
            m.addEntries(Entry.newBuilder().setIndex(i).setTerm(3).setData(ByteString.copyFrom("e" + i, StandardCharsets.UTF_8)));
        }
        return m.build();
    }

    /** Persists one Ready the way a driver must (snapshot, entries, hard state) and returns it. */
    private Ready persist() {
        assertThat(follower.hasReady()).isTrue();
        Ready rd = follower.ready();
        if (rd.snapshot() != null) {
            storage.applySnapshot(rd.snapshot());
        }
        storage.append(rd.entries());
        if (rd.hardState() != null) {
            storage.setHardState(rd.hardState());
        }
        follower.advance(rd);
        return rd;
    }

    private static Message only(List<Message> msgs) {
        assertThat(msgs).hasSize(1);
        return msgs.get(0);
    }

    @Test
    void followerInstallsSnapshotNewerThanItsCommitAndContinuesTheLogAfterIt() {
        ConfState withLearner = ABC.toBuilder().addLearners("d").build();
        follower.step(snap(10, 2, withLearner));
        Ready rd = persist();

        assertThat(rd.snapshot().getIndex()).isEqualTo(10);
        assertThat(rd.committedEntries()).as("the snapshot replaces applying entries 2..10").isEmpty();
        assertThat(rd.hardState().getCommit()).isEqualTo(10);
        Message resp = only(rd.messages());
        assertThat(resp.getType()).isEqualTo(MessageType.MSG_APP_RESP);
        assertThat(resp.getReject()).isFalse();
        assertThat(resp.getIndex()).isEqualTo(10);
        RaftStatus s = follower.status();
        assertThat(s.commitIndex()).isEqualTo(10);
        assertThat(s.appliedIndex()).isEqualTo(10);
        assertThat(s.confState().getLearnersList()).containsExactly("d");
        assertThat(storage.firstIndex()).isEqualTo(11);

        // Replication resumes right after the snapshot: the consistency check uses its index/term.
        follower.step(append(10, 2, 11, 11));
        rd = persist();
        Message ack = only(rd.messages());
        assertThat(ack.getReject()).isFalse();
        assertThat(ack.getIndex()).isEqualTo(11);
        assertThat(rd.committedEntries()).extracting(Entry::getIndex).containsExactly(11L);
    }

    @Test
    void followerRejectsSnapshotAtOrBelowItsCommitIndex() {
        follower.step(snap(10, 2, ABC));
        persist();
        follower.step(append(10, 2, 12, 11, 12));
        persist();

        for (long stale : new long[] {12, 5}) {
            follower.step(snap(stale, 2, ABC));
            Ready rd = persist();
            assertThat(rd.snapshot()).as("snapshot at %d", stale).isNull();
            Message resp = only(rd.messages());
            assertThat(resp.getType()).isEqualTo(MessageType.MSG_APP_RESP);
            assertThat(resp.getIndex()).as("tells the leader how far it is").isEqualTo(12);
        }
        assertThat(storage.firstIndex()).as("log not truncated").isEqualTo(11);
        assertThat(storage.lastIndex()).isEqualTo(12);
        assertThat(follower.status().commitIndex()).isEqualTo(12);
    }

    @Test
    void snapshotWhoseLastEntryIsInTheLogOnlyAdvancesTheCommitIndex() {
        follower.step(append(1, 1, 1, 2, 3, 4, 5));
        persist();
        follower.step(snap(4, 3, ABC));
        Ready rd = persist();

        assertThat(rd.snapshot()).isNull();
        assertThat(rd.committedEntries()).extracting(Entry::getIndex).containsExactly(2L, 3L, 4L);
        assertThat(storage.lastIndex()).as("the entry after the snapshot is kept").isEqualTo(5);
        assertThat(storage.firstIndex()).isEqualTo(1);
        assertThat(only(rd.messages()).getIndex()).isEqualTo(4);
    }

    @Test
    void leaderSendsSnapshotToFollowerThatNeedsCompactedEntries() {
        TestCluster c = new TestCluster("a", "b", "c");
        c.stabilize();
        c.campaign("a");
        c.isolate("c");
        for (int i = 0; i < 5; i++) {
            c.raft("a").propose(("x" + i).getBytes(StandardCharsets.UTF_8));
        }
        c.stabilize();
        long commit = c.raft("a").status().commitIndex();
        MemoryStorage leaderLog = c.node("a").storage;
        leaderLog.createSnapshot(SnapshotMetadata.newBuilder().setIndex(commit).setTerm(leaderLog.term(commit))
                .setConfState(ABC).build());
        leaderLog.compact(commit);
        c.heal();
        c.tickAll(3);

        assertThat(c.delivered).filteredOn(m -> m.getType() == MessageType.MSG_SNAP && m.getTo().equals("c"))
                .extracting(m -> m.getSnapshot().getIndex()).containsExactly(commit);
        assertThat(c.node("c").storage.firstIndex()).isEqualTo(commit + 1);
        long next = c.raft("a").propose("after".getBytes(StandardCharsets.UTF_8));
        c.stabilize();
        assertThat(c.raft("c").status().commitIndex()).as("replication resumes after the snapshot").isEqualTo(next);
        assertThat(c.node("c").storage.lastIndex()).isEqualTo(next);
    }
}
