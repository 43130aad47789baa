package dev.golt.storage.mvcc;

import dev.golt.storage.KeyValueStore;
import dev.golt.storage.StorageException;
import dev.golt.storage.WriteBatch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The multi-version key-value store of the etcd API (etcd's {@code mvcc} package) over the LSM tree:
 * a cluster-wide revision bumped by every write that changes something, every key's history while
 * it is retained, the event log watchers replay, and leases with their attached keys. The layout is
 * in {@link MvccLayout}.
 *
 * <p>One writer (the thread that applies the Raft log) goes through {@link #write()}; any thread
 * reads. A read holds a read lock for its whole scan so that it sees one revision; a commit takes
 * the write lock only to apply its batch.
 */
public final class MvccStore {

    static final int CHUNK = 256;

    private final KeyValueStore kv;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile long revision;
    private volatile long compacted;

    /** @throws StorageException on a store of the layout before revisions existed */
    public MvccStore(KeyValueStore kv) {
        this.kv = kv;
        if (kv.get(MvccLayout.FORMAT) == null) {
            if (!kv.range(new byte[0], null, 1).isEmpty()) {
                // Its keys would be read as nothing: refuse rather than serve an empty store.
                throw new StorageException("the store holds data of the layout before revisions "
                        + "(Golt before the etcd API); restore it into a new cluster through the HTTP API");
            }
            WriteBatch format = new WriteBatch().put(MvccLayout.FORMAT, new byte[] {1});
            kv.apply(format, kv.appliedIndex());
        }
        // etcd's store starts at revision 1 (its first write is 2); clients such as kube-apiserver
        // refuse a resource version of 0.
        this.revision = Math.max(1, MvccLayout.u64(kv.get(MvccLayout.REVISION)));
        this.compacted = MvccLayout.u64(kv.get(MvccLayout.COMPACTED));
    }

    /** The revision of the last change (1 before the first, as in etcd). */
    public long revision() {
        return revision;
    }

    /** Reads below this revision fail with {@link RevisionException.Kind#COMPACTED} (0: nothing compacted). */
    public long compactedRevision() {
        return compacted;
    }

    public KeyValueStore kv() {
        return kv;
    }

    /** The current version of {@code key}, or null. */
    public KeyValue get(byte[] key) {
        byte[] rec = kv.get(MvccLayout.current(key));
        return rec == null ? null : MvccLayout.decode(key, rec, -1);
    }

    /**
     * The keys of {@code range} as of {@code atRevision} (0 or less: the current revision), at most
     * {@code limit} of them (0: no limit).
     *
     * @throws RevisionException below the compacted revision or above the current one
     */
    public RangeResult range(KeyRange range, long atRevision, long limit, boolean keysOnly) {
        lock.readLock().lock();
        try {
            long rev = checkReadable(atRevision);
            return rev == revision ? rangeCurrent(range, limit, keysOnly) : rangeAt(range, rev, limit, keysOnly);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Like {@link #range} but also returns the revision it read at, under the same lock. */
    public Read read(KeyRange range, long atRevision, long limit, boolean keysOnly) {
        lock.readLock().lock();
        try {
            long current = revision;
            return new Read(current, range(range, atRevision, limit, keysOnly));
        } finally {
            lock.readLock().unlock();
        }
    }

    public record Read(long revision, RangeResult result) {}

    /** Runs several reads as of one revision (no write lands between them). */
    public <T> T atomically(Supplier<T> reads) {
        lock.readLock().lock();
        try {
            return reads.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    private long checkReadable(long atRevision) {
        long rev = atRevision <= 0 ? revision : atRevision;
        if (rev > revision) {
            throw RevisionException.future();
        }
        if (rev < compacted) {
            throw RevisionException.compacted(compacted);
        }
        return rev;
    }

    private RangeResult rangeCurrent(KeyRange range, long limit, boolean keysOnly) {
        if (range.isSingle()) {
            // The common case, and a point lookup (bloom filters) instead of a merged scan of every table.
            KeyValue v = get(range.from());
            return v == null ? new RangeResult(List.of(), 0, false)
                    : new RangeResult(List.of(keysOnly ? v.withoutValue() : v), 1, false);
        }
        List<KeyValue> out = new ArrayList<>();
        long[] count = {0};
        if (!range.isEmpty()) {
            scan(MvccLayout.current(range.from()), MvccLayout.currentEnd(range.to()), e -> {
                count[0]++;
                if (limit <= 0 || out.size() < limit) {
                    KeyValue v = MvccLayout.decode(MvccLayout.userKeyOfCurrent(e.key()), e.value(), -1);
                    out.add(keysOnly ? v.withoutValue() : v);
                }
                return true;
            });
        }
        return new RangeResult(out, count[0], out.size() < count[0]);
    }

    private RangeResult rangeAt(KeyRange range, long rev, long limit, boolean keysOnly) {
        List<KeyValue> out = new ArrayList<>();
        long[] count = {0};
        if (range.isEmpty()) {
            return new RangeResult(out, 0, false);
        }
        // Per key (contiguous, ascending revisions): the newest record not above rev.
        KeyValueStore.KeyValue[] best = {null};
        byte[][] group = {null};
        Runnable emit = () -> {
            KeyValueStore.KeyValue b = best[0];
            if (b != null && !MvccLayout.isTombstone(b.value())) {
                count[0]++;
                if (limit <= 0 || out.size() < limit) {
                    KeyValue v = MvccLayout.decode(MvccLayout.userKeyOfHistory(b.key()), b.value(),
                            MvccLayout.revisionOfHistory(b.key()));
                    out.add(keysOnly ? v.withoutValue() : v);
                }
            }
            best[0] = null;
        };
        scan(MvccLayout.historyPrefix(range.from()), MvccLayout.historyEnd(range.to()), e -> {
            if (group[0] == null || !MvccLayout.sameKey(group[0], e.key())) {
                emit.run();
                group[0] = e.key();
            }
            if (MvccLayout.revisionOfHistory(e.key()) <= rev) {
                best[0] = e;
            }
            return true;
        });
        emit.run();
        return new RangeResult(out, count[0], out.size() < count[0]);
    }

    /**
     * The changes of revisions {@code fromRevision} and later, in revision order, at most about
     * {@code maxEvents} (a revision is never split), each with its previous version when
     * {@code withPrev}.
     *
     * @throws RevisionException when {@code fromRevision} is below the compacted revision
     */
    public List<Event> events(long fromRevision, int maxEvents, boolean withPrev) {
        return events(fromRevision, maxEvents, Long.MAX_VALUE, withPrev);
    }

    /**
     * Like {@link #events(long, int, boolean)}, and also stops once the events read hold about
     * {@code maxBytes} of keys and values (previous versions included), so that a reader replaying
     * history in batches bounds its memory by bytes too, not just by count: values may be large.
     * A revision is still never split, so at least one whole revision comes back when there is one.
     */
    public List<Event> events(long fromRevision, int maxEvents, long maxBytes, boolean withPrev) {
        lock.readLock().lock();
        try {
            if (fromRevision < compacted) {
                throw RevisionException.compacted(compacted);
            }
            List<Event> out = new ArrayList<>();
            long[] last = {-1};
            long[] bytes = {0};
            scan(MvccLayout.event(Math.max(fromRevision, 1), 0), new byte[] {MvccLayout.EVENTS + 1}, e -> {
                long rev = MvccLayout.revisionOfEvent(e.key());
                if ((out.size() >= maxEvents || bytes[0] >= maxBytes) && rev != last[0]) {
                    return false;
                }
                last[0] = rev;
                Event ev = eventAt(e.value(), rev, withPrev);
                bytes[0] += sizeOf(ev.kv()) + (ev.prevKv() == null ? 0 : sizeOf(ev.prevKv()));
                out.add(ev);
                return true;
            });
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    private static long sizeOf(KeyValue kv) {
        return kv.key().length + kv.value().length;
    }

    private Event eventAt(byte[] key, long rev, boolean withPrev) {
        byte[] rec = kv.get(MvccLayout.history(key, rev));
        KeyValue prev = withPrev ? versionBefore(key, rev) : null;
        if (rec == null || MvccLayout.isTombstone(rec)) {
            return new Event(Event.Type.DELETE, new KeyValue(key, 0, rev, 0, new byte[0], 0), prev);
        }
        return new Event(Event.Type.PUT, MvccLayout.decode(key, rec, rev), prev);
    }

    /** The version of {@code key} just before revision {@code rev}, or null when it did not exist. */
    KeyValue versionBefore(byte[] key, long rev) {
        KeyValueStore.KeyValue[] best = {null};
        scan(MvccLayout.historyPrefix(key), MvccLayout.history(key, rev), e -> {
            best[0] = e;
            return true;
        });
        if (best[0] == null || MvccLayout.isTombstone(best[0].value())) {
            return null;
        }
        return MvccLayout.decode(key, best[0].value(), MvccLayout.revisionOfHistory(best[0].key()));
    }

    // ------------------------------------------------------------------ leases

    /** The granted TTL in seconds of lease {@code id}, or -1 when there is no such lease. */
    public long leaseTtl(long id) {
        byte[] v = kv.get(MvccLayout.lease(id));
        return v == null ? -1 : ByteBuffer.wrap(v).getLong();
    }

    /** Every lease: id and granted TTL. */
    public List<long[]> leases() {
        List<long[]> out = new ArrayList<>();
        scan(new byte[] {MvccLayout.LEASE}, new byte[] {MvccLayout.LEASE + 1}, e -> {
            out.add(new long[] {MvccLayout.leaseIdOf(e.key()), ByteBuffer.wrap(e.value()).getLong()});
            return true;
        });
        return out;
    }

    /** The keys attached to lease {@code id}, in key order. */
    public List<byte[]> leaseKeys(long id) {
        List<byte[]> out = new ArrayList<>();
        byte[] p = MvccLayout.attachedPrefix(id);
        scan(p, MvccLayout.attachedPrefix(id + 1), e -> {
            out.add(MvccLayout.userKeyOfAttached(e.key()));
            return true;
        });
        return out;
    }

    // ------------------------------------------------------------------ members

    static byte[] memberKey(String memberId) {
        byte[] id = memberId.getBytes(StandardCharsets.UTF_8);
        byte[] k = new byte[id.length + 1];
        k[0] = MvccLayout.MEMBER;
        System.arraycopy(id, 0, k, 1, id.length);
        return k;
    }

    /** The client URLs each member published, by member id. */
    public Map<String, List<String>> memberClientUrls() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        scan(new byte[] {MvccLayout.MEMBER}, new byte[] {MvccLayout.MEMBER + 1}, e -> {
            String urls = new String(e.value(), StandardCharsets.UTF_8);
            out.put(new String(e.key(), 1, e.key().length - 1, StandardCharsets.UTF_8),
                    urls.isEmpty() ? List.of() : List.of(urls.split("\n")));
            return true;
        });
        return out;
    }

    // ------------------------------------------------------------------ writes

    /** A write of the next revision; only the applying thread writes, one write at a time. */
    public MvccWrite write() {
        return new MvccWrite(this, revision);
    }

    void commit(WriteBatch batch, long appliedIndex, long newRevision, long newCompacted) {
        lock.writeLock().lock();
        try {
            kv.apply(batch, appliedIndex);
            revision = newRevision;
            compacted = newCompacted;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Visits the LSM entries of [from, to) in order, {@link #CHUNK} at a time, until the visitor says stop. */
    void scan(byte[] from, byte[] to, Predicate<KeyValueStore.KeyValue> visitor) {
        byte[] start = from;
        while (true) {
            List<KeyValueStore.KeyValue> chunk = kv.range(start, to, CHUNK);
            for (KeyValueStore.KeyValue e : chunk) {
                if (!visitor.test(e)) {
                    return;
                }
            }
            if (chunk.size() < CHUNK) {
                return;
            }
            byte[] last = chunk.get(chunk.size() - 1).key();
            start = Arrays.copyOf(last, last.length + 1);
        }
    }
}
