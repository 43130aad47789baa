package dev.golt.raft;

import dev.golt.proto.Entry;
import dev.golt.proto.HardState;
import dev.golt.proto.Message;
import dev.golt.proto.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * The order in which a driver carries out one {@link Ready}: the one schedule the node server, the
 * deterministic simulation and the test cluster all run, so the simulation checks what production
 * does. It follows etcd-io/raft's Ready contract for synchronous storage writes:
 * <ol>
 *   <li>install the snapshot, if any;</li>
 *   <li>send the messages that may go out before the entries are durable (a leader's appends and
 *       heartbeats: etcd's leader "can write to its disk in parallel with replicating");</li>
 *   <li>apply the committed entries that are durable here already (etcd's
 *       {@code maxAppliableIndex(allowUnstable=false)}: below the first entry of this Ready);</li>
 *   <li>append the entries, save the hard state, sync when {@link Ready#mustSync()};</li>
 *   <li>send the other messages (votes and append responses promise what step 4 made durable);</li>
 *   <li>apply the rest of the committed entries, now durable here too;</li>
 *   <li>hand over the read states (answered once applied up to their index);</li>
 *   <li>{@link RaftNode#advance}.</li>
 * </ol>
 * Why step 3 may come before step 4: an entry is committed only once a quorum has it durably (the
 * leader counts its own stable index and its followers acknowledge after persisting), so applying
 * it is never what loses it. What must not happen is a state machine that survives a crash ahead
 * of this node's durable log: a snapshot at the applied index would then need a term this log
 * does not hold (etcd's server waits for the disk write before snapshotting for the same reason).
 * Step 3 touches only entries the durable log holds, so a crash at any step boundary leaves the
 * applied index at or below the durable log's end. Applying early takes a sync off a write's
 * latency: the leader's Ready that applies one batch usually appends the next.
 */
public class ReadySchedule {

    /** Stable storage of the log (the WAL in production). */
    public interface Storage {
        /** Installs a received snapshot: state machine from its data, then the log's metadata. */
        void installSnapshot(SnapshotMetadata snapshot);

        void append(List<Entry> entries);

        void saveHardState(HardState hardState);

        void sync();
    }

    /** The network to the peers. */
    public interface Transport {
        void send(Message message);
    }

    /** The state machine and the requests waiting on it. */
    public interface Applier {
        void apply(List<Entry> committed);

        void readStates(List<ReadState> readStates);
    }

    /** The schedule production runs. */
    public static final ReadySchedule STANDARD = new ReadySchedule();

    protected ReadySchedule() {}

    /** Carries out {@code rd} in the documented order and advances {@code raft}. */
    public final void handle(Ready rd, RaftNode raft, Storage storage, Transport transport, Applier applier) {
        if (rd.snapshot() != null) {
            storage.installSnapshot(rd.snapshot());
        }
        List<Message> afterPersist = new ArrayList<>();
        for (Message m : rd.messages()) {
            if (raft.mayBeSentBeforePersist(m)) {
                transport.send(m);
            } else {
                afterPersist.add(m);
            }
        }
        List<Entry> committed = rd.committedEntries();
        int early = appliableBeforePersist(committed, rd.entries());
        if (early > 0) {
            applier.apply(committed.subList(0, early));
        }
        if (!rd.entries().isEmpty()) {
            storage.append(rd.entries());
        }
        if (rd.hardState() != null) {
            storage.saveHardState(rd.hardState());
        }
        if (rd.mustSync()) {
            storage.sync();
        }
        for (Message m : afterPersist) {
            transport.send(m);
        }
        if (early < committed.size()) {
            applier.apply(committed.subList(early, committed.size()));
        }
        if (!rd.readStates().isEmpty()) {
            applier.readStates(rd.readStates());
        }
        raft.advance(rd);
    }

    /**
     * How many of {@code committed} may be applied before {@code appending} is durable: those below
     * its first index, which earlier Readys synced (a committed entry is never one an append replaces).
     */
    protected int appliableBeforePersist(List<Entry> committed, List<Entry> appending) {
        if (appending.isEmpty()) {
            return committed.size();
        }
        long firstNew = appending.get(0).getIndex();
        int n = 0;
        while (n < committed.size() && committed.get(n).getIndex() < firstNew) {
            n++;
        }
        return n;
    }
}
