package dev.golt.raft;

import dev.golt.proto.ConfState;
import dev.golt.proto.Entry;
import dev.golt.proto.HardState;
import dev.golt.proto.SnapshotMetadata;
import java.util.List;

/**
 * The core's narrow read view of the persisted Raft log (etcd-raft's {@code Storage}).
 *
 * <p>The log holds entries {@code firstIndex()..lastIndex()}; everything at or below
 * {@code firstIndex() - 1} has been compacted into a snapshot, whose index and term are still
 * answerable through {@link #term(long)} so the consistency check works at the boundary.
 */
public interface LogStorage {

    /**
     * Hard state as last persisted and the configuration of the last snapshot (empty before the
     * first one), as etcd-raft's {@code Storage.InitialState}. Implementations must not fold
     * conf-change entries into it: the core replays those itself, so a storage that did would have
     * them applied twice.
     */
    InitialState initialState();

    /**
     * Entries in {@code [lo, hi)}, at least one if the range is non-empty, then as many as fit in
     * {@code maxBytes} (sum of serialized sizes).
     *
     * @throws LogCompactedException if {@code lo < firstIndex()}
     * @throws IndexOutOfBoundsException if {@code hi > lastIndex() + 1}
     */
    List<Entry> entries(long lo, long hi, long maxBytes);

    /**
     * Term of the entry at {@code index}, for {@code firstIndex() - 1 <= index <= lastIndex()}.
     *
     * @throws LogCompactedException if {@code index < firstIndex() - 1}
     * @throws IndexOutOfBoundsException if {@code index > lastIndex()}
     */
    long term(long index);

    /** Index of the first entry still in the log ({@code snapshot index + 1} when compacted). */
    long firstIndex();

    /** Index of the last entry; {@code firstIndex() - 1} when the log is empty. */
    long lastIndex();

    /** Metadata of the most recent snapshot (index 0 when there is none). */
    SnapshotMetadata snapshotMetadata();

    record InitialState(HardState hardState, ConfState confState) {}
}
