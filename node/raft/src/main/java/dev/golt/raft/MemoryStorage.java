package dev.golt.raft;

import dev.golt.proto.ConfState;
import dev.golt.proto.Entry;
import dev.golt.proto.HardState;
import dev.golt.proto.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory {@link RaftLogStore}: everything written is immediately "durable" for as long as the
 * object lives, which is what the simulation and in-memory server tests need (a simulated crash
 * keeps the storage object and throws away the node).
 *
 * <p>Entries live in one list; {@code entries.get(0)} is the dummy entry at the snapshot index
 * that keeps the term of the compaction boundary answerable (as in etcd's MemoryStorage).
 */
public final class MemoryStorage implements RaftLogStore {

    private final ArrayList<Entry> entries = new ArrayList<>();
    private HardState hardState = HardState.getDefaultInstance();
    private SnapshotMetadata snapshot = SnapshotMetadata.getDefaultInstance();

    public MemoryStorage() {
        entries.add(Entry.getDefaultInstance());
    }

    /** A copy holding the same persisted state (for simulated restarts that must not share lists). */
    public synchronized MemoryStorage copy() {
        MemoryStorage c = new MemoryStorage();
        c.entries.clear();
        c.entries.addAll(entries);
        c.hardState = hardState;
        c.snapshot = snapshot;
        return c;
    }

    private long offset() {
        return entries.get(0).getIndex();
    }

    @Override
    public synchronized InitialState initialState() {
        return new InitialState(hardState, snapshot.getConfState());
    }

    @Override
    public synchronized List<Entry> entries(long lo, long hi, long maxBytes) {
        long offset = offset();
        if (lo <= offset) {
            throw new LogCompactedException(lo, offset + 1);
        }
        if (hi > lastIndexLocked() + 1) {
            throw new IndexOutOfBoundsException("hi " + hi + " beyond last index " + lastIndexLocked());
        }
        if (lo >= hi) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>((int) Math.min(hi - lo, 1024));
        long size = 0;
        for (long i = lo; i < hi; i++) {
            Entry e = entries.get((int) (i - offset));
            size += e.getSerializedSize();
            if (!out.isEmpty() && size > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    @Override
    public synchronized long term(long index) {
        long offset = offset();
        if (index < offset) {
            throw new LogCompactedException(index, offset + 1);
        }
        if (index > lastIndexLocked()) {
            throw new IndexOutOfBoundsException("index " + index + " beyond last index " + lastIndexLocked());
        }
        return entries.get((int) (index - offset)).getTerm();
    }

    @Override
    public synchronized long firstIndex() {
        return offset() + 1;
    }

    @Override
    public synchronized long lastIndex() {
        return lastIndexLocked();
    }

    private long lastIndexLocked() {
        return offset() + entries.size() - 1;
    }

    @Override
    public synchronized SnapshotMetadata snapshotMetadata() {
        return snapshot;
    }

    public synchronized HardState hardState() {
        return hardState;
    }

    @Override
    public synchronized void append(List<Entry> newEntries) {
        if (newEntries.isEmpty()) {
            return;
        }
        long first = newEntries.get(0).getIndex();
        long offset = offset();
        if (first <= offset || first > lastIndexLocked() + 1) {
            throw new IllegalArgumentException("append at " + first + " outside [" + (offset + 1) + ", "
                    + (lastIndexLocked() + 1) + "]");
        }
        int keep = (int) (first - offset);
        if (keep < entries.size()) {
            entries.subList(keep, entries.size()).clear();
        }
        entries.addAll(newEntries);
    }

    @Override
    public synchronized void setHardState(HardState hs) {
        this.hardState = hs;
    }

    @Override
    public void sync() {
        // Memory is as durable as this storage gets.
    }

    @Override
    public synchronized void applySnapshot(SnapshotMetadata metadata) {
        if (metadata.getIndex() <= snapshot.getIndex()) {
            throw new IllegalArgumentException("snapshot " + metadata.getIndex() + " is older than " + snapshot.getIndex());
        }
        snapshot = metadata;
        entries.clear();
        entries.add(Entry.newBuilder().setIndex(metadata.getIndex()).setTerm(metadata.getTerm()).build());
    }

    @Override
    public synchronized void createSnapshot(SnapshotMetadata metadata) {
        if (metadata.getIndex() <= snapshot.getIndex()) {
            return;
        }
        if (metadata.getIndex() > lastIndexLocked()) {
            throw new IllegalArgumentException("snapshot " + metadata.getIndex() + " beyond last index " + lastIndexLocked());
        }
        snapshot = metadata;
    }

    @Override
    public synchronized void compact(long upTo) {
        long offset = offset();
        if (upTo <= offset) {
            return;
        }
        if (upTo > snapshot.getIndex()) {
            throw new IllegalArgumentException("cannot compact to " + upTo + " beyond snapshot " + snapshot.getIndex());
        }
        int drop = (int) (upTo - offset);
        Entry boundary = entries.get(drop);
        entries.subList(0, drop + 1).clear();
        entries.add(0, Entry.newBuilder().setIndex(boundary.getIndex()).setTerm(boundary.getTerm()).build());
    }

    @Override
    public void close() {}

    static ConfState emptyConf() {
        return ConfState.getDefaultInstance();
    }
}
