package dev.golt.raft;

import dev.golt.proto.Entry;
import dev.golt.proto.HardState;
import dev.golt.proto.SnapshotMetadata;
import java.util.List;

/**
 * The writable log the driver persists each {@link Ready} into: an in-memory one for the
 * simulation ({@link MemoryStorage}) and the segmented WAL in node/storage.
 *
 * <p>Writes are buffered until {@link #sync()}, which is the durability point (group commit: one
 * sync for every entry and hard state written since the last one).
 */
public interface RaftLogStore extends LogStorage, AutoCloseable {

    /**
     * Appends entries; the first one's index must be in {@code [firstIndex(), lastIndex() + 1]}.
     * Any existing entries at or after that index are replaced (a conflicting suffix is truncated).
     */
    void append(List<Entry> entries);

    void setHardState(HardState hardState);

    /** Makes every earlier write durable. */
    void sync();

    /**
     * Installs a snapshot received from the leader: the whole log is discarded and starts again
     * right after {@code metadata.getIndex()}.
     */
    void applySnapshot(SnapshotMetadata metadata);

    /**
     * Records that the state machine has a snapshot at {@code metadata.getIndex()} (which must be
     * committed and applied), without dropping entries yet.
     */
    void createSnapshot(SnapshotMetadata metadata);

    /**
     * Drops entries at or below {@code upTo} (which must not exceed the snapshot index); the term of
     * {@code upTo} stays answerable.
     */
    void compact(long upTo);

    @Override
    void close();
}
