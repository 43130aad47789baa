package dev.golt.storage.mvcc;

import java.util.Arrays;

/**
 * User keys {@code from <= key < to}; {@code to} null: no upper bound. etcd's (key, range_end) pairs
 * map onto it: an empty range_end is the single key ({@code [key, key\0)}), range_end "\0" is every
 * key from key on, and key = range_end = "\0" is every key.
 */
public record KeyRange(byte[] from, byte[] to) {

    public static KeyRange single(byte[] key) {
        return new KeyRange(key, Arrays.copyOf(key, key.length + 1));
    }

    /** etcd's (key, range_end) convention. */
    public static KeyRange ofEtcd(byte[] key, byte[] rangeEnd) {
        if (rangeEnd == null || rangeEnd.length == 0) {
            return single(key);
        }
        boolean toEnd = rangeEnd.length == 1 && rangeEnd[0] == 0;
        byte[] from = toEnd && key.length == 1 && key[0] == 0 ? new byte[0] : key;
        return new KeyRange(from, toEnd ? null : rangeEnd);
    }

    /** Every key starting with {@code prefix} (etcd's {@code clientv3.GetPrefixRangeEnd}). */
    public static KeyRange prefix(byte[] prefix) {
        byte[] end = Arrays.copyOf(prefix, prefix.length);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xFF) {
                end[i]++;
                return new KeyRange(prefix, Arrays.copyOf(end, i + 1));
            }
        }
        return new KeyRange(prefix, null);
    }

    /** Exactly one key: {@code [k, k\0)}. */
    public boolean isSingle() {
        return to != null && to.length == from.length + 1 && to[from.length] == 0
                && Arrays.equals(from, 0, from.length, to, 0, from.length);
    }

    public boolean contains(byte[] key) {
        return Arrays.compareUnsigned(key, from) >= 0 && (to == null || Arrays.compareUnsigned(key, to) < 0);
    }

    public boolean isEmpty() {
        return to != null && Arrays.compareUnsigned(from, to) >= 0;
    }
}
