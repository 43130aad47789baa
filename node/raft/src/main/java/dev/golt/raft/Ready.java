package dev.golt.raft;

import dev.golt.proto.Entry;
import dev.golt.proto.HardState;
import dev.golt.proto.Message;
import dev.golt.proto.SnapshotMetadata;
import java.util.List;

/**
 * What the core asks its driver to do, in this order (etcd-raft's {@code Ready}):
 * <ol>
 *   <li>install {@link #snapshot} if present (state machine from the received checkpoint, then
 *       {@link RaftLogStore#applySnapshot});</li>
 *   <li>append {@link #entries} and save {@link #hardState} if present, then
 *       {@link RaftLogStore#sync()} when {@link #mustSync};</li>
 *   <li>send {@link #messages}. Only those for which {@link RaftNode#mayBeSentBeforePersist(Message)}
 *       holds (a leader's appends) may be sent before step 2 finishes;</li>
 *   <li>apply {@link #committedEntries} in order and answer {@link #readStates} once applied. Committed
 *       entries below the first of {@link #entries} are in the durable log already, so they may be
 *       applied before step 2 instead (a follower's others may not be durable anywhere here yet);</li>
 *   <li>call {@link RaftNode#advance(Ready)}.</li>
 * </ol>
 *
 * @param softState   role and leader, or null when unchanged since the last Ready
 * @param hardState   term, vote and commit to persist, or null when unchanged
 * @param entries     entries to append to stable storage
 * @param snapshot    snapshot to install, or null
 * @param committedEntries entries to apply to the state machine (committed: on a quorum's stable storage)
 * @param messages    messages to send
 * @param readStates  read indexes obtained for {@link RaftNode#readIndex} requests
 * @param mustSync    whether step 2 must end with a sync (new entries, or a changed term or vote)
 */
public record Ready(
        SoftState softState,
        HardState hardState,
        List<Entry> entries,
        SnapshotMetadata snapshot,
        List<Entry> committedEntries,
        List<Message> messages,
        List<ReadState> readStates,
        boolean mustSync) {}
