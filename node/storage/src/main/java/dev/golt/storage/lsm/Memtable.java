package dev.golt.storage.lsm;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** The sorted in-memory table that takes every write; immutable once switched out for flushing. */
final class Memtable {
    /** Marks a delete; compared by identity. */
    static final byte[] TOMBSTONE = new byte[0];
    /** Rough per-entry heap cost of the skip list beyond key and value bytes. */
    static final int ENTRY_OVERHEAD = 96;

    private final ConcurrentSkipListMap<byte[], byte[]> map = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private volatile long bytes;
    private volatile long appliedIndex;
    private volatile long firstWriteNanos;

    /** Single writer: callers serialize puts. */
    void put(byte[] key, byte[] value) {
        if (map.isEmpty()) {
            firstWriteNanos = System.nanoTime();
        }
        byte[] stored = value == null ? TOMBSTONE : value;
        byte[] old = map.put(key, stored);
        long delta = stored.length + (old == null ? key.length + ENTRY_OVERHEAD : -old.length);
        bytes += delta;
    }

    /** The stored value, {@link #TOMBSTONE}, or null when the key was never written here. */
    byte[] get(byte[] key) {
        return map.get(key);
    }

    long bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return map.isEmpty();
    }

    /** {@link System#nanoTime()} of the first write; meaningless while {@link #isEmpty()}. */
    long firstWriteNanos() {
        return firstWriteNanos;
    }

    long appliedIndex() {
        return appliedIndex;
    }

    void setAppliedIndex(long index) {
        appliedIndex = index;
    }

    KvIterator iterator() {
        return new KvIterator() {
            private Iterator<Map.Entry<byte[], byte[]>> it;
            private Map.Entry<byte[], byte[]> current;

            @Override
            public boolean valid() {
                return current != null;
            }

            @Override
            public byte[] key() {
                return current.getKey();
            }

            @Override
            public byte[] value() {
                return current.getValue() == TOMBSTONE ? null : current.getValue();
            }

            @Override
            public void next() {
                current = it.hasNext() ? it.next() : null;
            }

            @Override
            public void seek(byte[] target) {
                it = map.tailMap(target, true).entrySet().iterator();
                next();
            }

            @Override
            public void seekToFirst() {
                it = map.entrySet().iterator();
                next();
            }
        };
    }
}
