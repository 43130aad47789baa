package dev.golt.server;

import dev.golt.proto.Entry;
import dev.golt.proto.HardState;
import dev.golt.proto.SnapshotMetadata;
import dev.golt.raft.LogCompactedException;
import dev.golt.raft.RaftLogStore;
import dev.golt.storage.wal.CompactedException;
import dev.golt.storage.wal.SegmentedWal;
import java.util.List;

/**
 * The segmented WAL seen as the core's {@link RaftLogStore}. It lives here, not in node/storage, so
 * that storage needs nothing from the core (DESIGN: server -> raft, storage). Membership is the last
 * snapshot's {@code ConfState}, as etcd-raft's {@code Storage.InitialState} returns it; the core
 * replays the conf-change entries after it.
 */
final class WalLogStore implements RaftLogStore {

    private final SegmentedWal wal;

    WalLogStore(SegmentedWal wal) {
        this.wal = wal;
    }

    @Override
    public InitialState initialState() {
        return new InitialState(wal.hardState(), wal.snapshotMetadata().getConfState());
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        try {
            return wal.entries(lo, hi, maxBytes);
        } catch (CompactedException e) {
            throw compacted(lo);
        }
    }

    @Override
    public long term(long index) {
        try {
            return wal.term(index);
        } catch (CompactedException e) {
            throw compacted(index);
        }
    }

    private LogCompactedException compacted(long index) {
        return new LogCompactedException(index, wal.firstIndex());
    }

    @Override
    public long firstIndex() {
        return wal.firstIndex();
    }

    @Override
    public long lastIndex() {
        return wal.lastIndex();
    }

    @Override
    public SnapshotMetadata snapshotMetadata() {
        return wal.snapshotMetadata();
    }

    @Override
    public void append(List<Entry> entries) {
        wal.append(entries);
    }

    @Override
    public void setHardState(HardState hardState) {
        wal.setHardState(hardState);
    }

    @Override
    public void sync() {
        wal.sync();
    }

    @Override
    public void applySnapshot(SnapshotMetadata metadata) {
        wal.applySnapshot(metadata);
    }

    @Override
    public void createSnapshot(SnapshotMetadata metadata) {
        wal.createSnapshot(metadata);
    }

    @Override
    public void compact(long upTo) {
        wal.compact(upTo);
    }

    @Override
    public void close() {
        wal.close();
    }
}
