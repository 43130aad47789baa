package dev.golt.storage.mvcc;

import dev.golt.storage.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One write of the multi-version store: everything one Raft entry does (a put, a delete, a whole
 * transaction, a lease revocation) becomes one revision, as in etcd, and its changes are events
 * numbered in order within it. Reads through the write see its own changes. Nothing reaches the
 * store before {@link #commit}; a write that changes nothing leaves the revision alone.
 */
public final class MvccWrite {

    private static final KeyValue DELETED = new KeyValue(new byte[0], 0, 0, 0, new byte[0], 0);
    private static final long NO_LEASE = -1;

    private final MvccStore store;
    private final long revision;
    private final TreeMap<byte[], KeyValue> changed = new TreeMap<>(Arrays::compareUnsigned);
    private final Map<Long, Long> leases = new HashMap<>();
    private final WriteBatch batch = new WriteBatch();
    private final List<Event> events = new ArrayList<>();
    private long compactTo;

    MvccWrite(MvccStore store, long currentRevision) {
        this.store = store;
        this.revision = currentRevision + 1;
        this.compactTo = store.compactedRevision();
    }

    /** The revision this write's changes get. */
    public long revision() {
        return revision;
    }

    /** The revision before this write. */
    public long baseRevision() {
        return revision - 1;
    }

    public KeyValue get(byte[] key) {
        KeyValue v = changed.get(key);
        if (v != null) {
            return v == DELETED ? null : v;
        }
        return store.get(key);
    }

    /** A range read that sees this write's own changes when it reads the current revision. */
    public RangeResult range(KeyRange range, long atRevision, long limit, boolean keysOnly) {
        if ((atRevision > 0 && atRevision <= baseRevision()) || changed.isEmpty()) {
            if (atRevision > baseRevision() && atRevision != revision) {
                throw RevisionException.future();
            }
            return store.range(range, atRevision == revision ? 0 : atRevision, limit, keysOnly);
        }
        TreeMap<byte[], KeyValue> merged = new TreeMap<>(Arrays::compareUnsigned);
        for (KeyValue kv : store.range(range, 0, 0, keysOnly).kvs()) {
            merged.put(kv.key(), kv);
        }
        var inRange = range.to() == null ? changed.tailMap(range.from(), true)
                : changed.subMap(range.from(), true, range.to(), false);
        inRange.forEach((k, v) -> {
            if (v == DELETED) {
                merged.remove(k);
            } else {
                merged.put(k, keysOnly ? v.withoutValue() : v);
            }
        });
        List<KeyValue> out = new ArrayList<>();
        for (KeyValue kv : merged.values()) {
            if (limit > 0 && out.size() >= limit) {
                break;
            }
            out.add(kv);
        }
        return new RangeResult(out, merged.size(), out.size() < merged.size());
    }

    /**
     * Puts {@code value} under {@code key} attached to {@code lease} (0: none), which must exist.
     *
     * @return the put event, with the previous version
     */
    public Event put(byte[] key, byte[] value, long lease) {
        KeyValue prev = get(key);
        KeyValue next = new KeyValue(key, prev == null ? revision : prev.createRevision(), revision,
                prev == null ? 1 : prev.version() + 1, value, lease);
        if (prev != null && prev.lease() != 0 && prev.lease() != lease) {
            batch.delete(MvccLayout.attached(prev.lease(), key));
        }
        if (lease != 0) {
            batch.put(MvccLayout.attached(lease, key), new byte[0]);
        }
        batch.put(MvccLayout.current(key), MvccLayout.record(next, true));
        batch.put(MvccLayout.history(key, revision), MvccLayout.record(next, false));
        Event e = new Event(Event.Type.PUT, next, prev);
        record(key, next, e);
        return e;
    }

    /** Deletes every key of {@code range}; returns one delete event per deleted key, in key order. */
    public List<Event> deleteRange(KeyRange range) {
        List<Event> out = new ArrayList<>();
        for (KeyValue prev : range(range, 0, 0, false).kvs()) {
            out.add(delete(prev));
        }
        return out;
    }

    private Event delete(KeyValue prev) {
        byte[] key = prev.key();
        if (prev.lease() != 0) {
            batch.delete(MvccLayout.attached(prev.lease(), key));
        }
        batch.delete(MvccLayout.current(key));
        batch.put(MvccLayout.history(key, revision), MvccLayout.TOMBSTONE);
        Event e = new Event(Event.Type.DELETE, new KeyValue(key, 0, revision, 0, new byte[0], 0), prev);
        record(key, DELETED, e);
        return e;
    }

    private void record(byte[] key, KeyValue state, Event e) {
        if (changed.containsKey(key)) {
            // One record per key and revision: etcd refuses a transaction that changes a key twice.
            throw new IllegalArgumentException("duplicate key given in txn request");
        }
        changed.put(key, state);
        batch.put(MvccLayout.event(revision, events.size()), key);
        events.add(e);
    }

    // ------------------------------------------------------------------ leases

    public boolean leaseExists(long id) {
        Long ttl = leases.get(id);
        if (ttl != null) {
            return ttl != NO_LEASE;
        }
        return store.leaseTtl(id) >= 0;
    }

    /** Records lease {@code id} (not existing) with its TTL; a grant is not a revision of its own. */
    public void grantLease(long id, long ttlSeconds) {
        leases.put(id, ttlSeconds);
        batch.put(MvccLayout.lease(id), MvccLayout.u64(ttlSeconds));
    }

    /** Removes lease {@code id} and deletes every key attached to it (one revision, one event per key). */
    public List<Event> revokeLease(long id) {
        List<Event> out = new ArrayList<>();
        for (byte[] key : store.leaseKeys(id)) {
            KeyValue kv = get(key);
            if (kv != null && kv.lease() == id) {
                out.add(delete(kv));
            }
        }
        leases.put(id, NO_LEASE);
        batch.delete(MvccLayout.lease(id));
        return out;
    }

    // ------------------------------------------------------------------ members

    /** Records a member's client URLs: cluster metadata, not a revision of the key space. */
    public void setMemberClientUrls(String memberId, List<String> urls) {
        batch.put(MvccStore.memberKey(memberId), String.join("\n", urls).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ compaction

    /**
     * Compacts the history below {@code toRevision}: reads below it fail from now on, and
     * {@link Compactor} deletes what they alone could reach.
     *
     * @throws RevisionException already compacted that far, or a future revision
     */
    public void compact(long toRevision) {
        if (toRevision <= compactTo) {
            throw RevisionException.compacted(compactTo);
        }
        if (toRevision > baseRevision()) {
            throw RevisionException.future();
        }
        Compactor.compact(store, toRevision, batch);
        compactTo = toRevision;
        batch.put(MvccLayout.COMPACTED, MvccLayout.u64(toRevision));
    }

    // ------------------------------------------------------------------ commit

    public boolean changesKeys() {
        return !events.isEmpty();
    }

    /**
     * Applies the write atomically with the Raft index it came from.
     *
     * @return its events in order (empty when no key changed; the revision then stays)
     */
    public List<Event> commit(long appliedIndex) {
        long newRevision = events.isEmpty() ? baseRevision() : revision;
        if (!events.isEmpty()) {
            batch.put(MvccLayout.REVISION, MvccLayout.u64(newRevision));
        }
        store.commit(batch, appliedIndex, newRevision, compactTo);
        return events;
    }
}
