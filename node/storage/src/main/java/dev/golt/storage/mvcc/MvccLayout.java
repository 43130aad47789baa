package dev.golt.storage.mvcc;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How the multi-version store lays its data out in the LSM tree's one ordered key space (etcd keeps
 * revisions in bbolt and a key index in memory; here both are on disk, so a restart rebuilds
 * nothing). User keys never appear raw: each record lives under a one-byte namespace.
 *
 * <pre>
 * namespace  LSM key                                   LSM value
 * 'M'        "Mrevision"                               u64 current revision
 *            "Mcompacted"                              u64 compacted revision (0: none)
 *            "Mformat"                                 u8 layout version (1)
 * 'K'        'K' key                                   record: the key's current version (absent once deleted)
 * 'H'        'H' escape(key) u64 revision              record: the version written at that revision, or a tombstone
 * 'R'        'R' u64 revision u32 sub                  key: the sub-th change of that revision (the event log)
 * 'L'        'L' u64 leaseId                           u64 granted TTL in seconds
 * 'A'        'A' u64 leaseId key                       empty: key is attached to the lease
 * 'C'        'C' member id (UTF-8)                     the member's client URLs, '\n'-separated (no revision)
 *
 * record     u8 flags (0 put, 1 tombstone), then for a put: varint createRevision, varint version,
 *            u64 lease, value bytes to the end (modRevision is the revision in the 'H' key, or
 *            stored for 'K': varint modRevision follows createRevision)
 * escape     each 0x00 byte of the key becomes 0x00 0xFF, then the terminator 0x00 0x01: order-
 *            preserving and prefix-free, so one key's history is contiguous and ordered by revision
 *            and a key range [a, b) of user keys is the LSM range [escape(a), escape(b)).
 * u64, u32   big-endian, so LSM order is numeric order
 * </pre>
 *
 * The history of one key is one short scan of {@code 'H' escape(key)}; a read at a past revision
 * takes, per key, the newest history record not above it. The event log answers "what changed since
 * revision r" (watch replay) in revision order without touching unrelated keys. Compaction deletes
 * the history a read at or above the compacted revision can no longer reach (see {@link Compactor}),
 * and the LSM tree's own compaction reclaims the space.
 */
final class MvccLayout {

    static final byte[] REVISION = "Mrevision".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final byte[] COMPACTED = "Mcompacted".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final byte[] FORMAT = "Mformat".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final byte CURRENT = 'K';
    static final byte HISTORY = 'H';
    static final byte EVENTS = 'R';
    static final byte LEASE = 'L';
    static final byte ATTACHED = 'A';
    static final byte MEMBER = 'C';

    private MvccLayout() {}

    static byte[] current(byte[] key) {
        return prefixed(CURRENT, key);
    }

    /** The end (exclusive) of a user-key range in the 'K' namespace; {@code end} null: to the end of it. */
    static byte[] currentEnd(byte[] end) {
        return end == null ? new byte[] {CURRENT + 1} : prefixed(CURRENT, end);
    }

    static byte[] userKeyOfCurrent(byte[] lsmKey) {
        return Arrays.copyOfRange(lsmKey, 1, lsmKey.length);
    }

    static byte[] historyPrefix(byte[] key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(key.length + 12);
        out.write(HISTORY);
        for (byte b : key) {
            out.write(b);
            if (b == 0) {
                out.write(0xFF);
            }
        }
        out.write(0);
        out.write(1);
        return out.toByteArray();
    }

    static byte[] historyEnd(byte[] end) {
        return end == null ? new byte[] {HISTORY + 1} : historyPrefix(end);
    }

    static byte[] history(byte[] key, long revision) {
        byte[] p = historyPrefix(key);
        return ByteBuffer.allocate(p.length + 8).put(p).putLong(revision).array();
    }

    static long revisionOfHistory(byte[] lsmKey) {
        return ByteBuffer.wrap(lsmKey, lsmKey.length - 8, 8).getLong();
    }

    /** The escaped key and terminator of a history record: equal for two records of one key. */
    static boolean sameKey(byte[] a, byte[] b) {
        return a.length == b.length && Arrays.equals(a, 0, a.length - 8, b, 0, b.length - 8);
    }

    static byte[] userKeyOfHistory(byte[] lsmKey) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(lsmKey.length);
        int end = lsmKey.length - 8 - 2; // before the terminator 0x00 0x01
        for (int i = 1; i < end; i++) {
            out.write(lsmKey[i]);
            if (lsmKey[i] == 0) {
                i++; // the 0xFF after an escaped 0x00
            }
        }
        return out.toByteArray();
    }

    static byte[] event(long revision, int sub) {
        return ByteBuffer.allocate(13).put(EVENTS).putLong(revision).putInt(sub).array();
    }

    static long revisionOfEvent(byte[] lsmKey) {
        return ByteBuffer.wrap(lsmKey, 1, 8).getLong();
    }

    static byte[] lease(long id) {
        return ByteBuffer.allocate(9).put(LEASE).putLong(id).array();
    }

    static long leaseIdOf(byte[] lsmKey) {
        return ByteBuffer.wrap(lsmKey, 1, 8).getLong();
    }

    static byte[] attachedPrefix(long leaseId) {
        return ByteBuffer.allocate(9).put(ATTACHED).putLong(leaseId).array();
    }

    static byte[] attached(long leaseId, byte[] key) {
        return ByteBuffer.allocate(9 + key.length).put(ATTACHED).putLong(leaseId).put(key).array();
    }

    static byte[] userKeyOfAttached(byte[] lsmKey) {
        return Arrays.copyOfRange(lsmKey, 9, lsmKey.length);
    }

    static byte[] u64(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    static long u64(byte[] b) {
        return b == null ? 0 : ByteBuffer.wrap(b).getLong();
    }

    private static byte[] prefixed(byte ns, byte[] key) {
        byte[] out = new byte[key.length + 1];
        out[0] = ns;
        System.arraycopy(key, 0, out, 1, key.length);
        return out;
    }

    // ------------------------------------------------------------------ records

    static final byte[] TOMBSTONE = {1};

    /** A 'K' record (with its modRevision) or, {@code withMod} false, an 'H' record. */
    static byte[] record(KeyValue kv, boolean withMod) {
        ByteBuffer b = ByteBuffer.allocate(1 + 10 * 3 + 8 + kv.value().length);
        b.put((byte) 0);
        putVarint(b, kv.createRevision());
        if (withMod) {
            putVarint(b, kv.modRevision());
        }
        putVarint(b, kv.version());
        b.putLong(kv.lease());
        b.put(kv.value());
        return Arrays.copyOf(b.array(), b.position());
    }

    static boolean isTombstone(byte[] record) {
        return record[0] == 1;
    }

    /** Decodes a record; {@code modRevision} given for an 'H' record, read from a 'K' record when -1. */
    static KeyValue decode(byte[] key, byte[] record, long modRevision) {
        ByteBuffer b = ByteBuffer.wrap(record, 1, record.length - 1);
        long create = getVarint(b);
        long mod = modRevision < 0 ? getVarint(b) : modRevision;
        long version = getVarint(b);
        long lease = b.getLong();
        byte[] value = new byte[b.remaining()];
        b.get(value);
        return new KeyValue(key, create, mod, version, value, lease);
    }

    static void putVarint(ByteBuffer b, long v) {
        while ((v & ~0x7FL) != 0) {
            b.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.put((byte) v);
    }

    static long getVarint(ByteBuffer b) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte x = b.get();
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalStateException("varint too long");
    }
}
