package dev.golt.storage.lsm;

/**
 * A whole-table Bloom filter (leveldb's double hashing).
 *
 * <pre>
 * bits[ceil(n * bitsPerKey / 8)] | k (1 byte, number of probes)
 * </pre>
 */
final class BloomFilter {
    private BloomFilter() {}

    static byte[] build(int[] hashes, int count, int bitsPerKey) {
        int k = Math.max(1, Math.min(30, (int) Math.round(bitsPerKey * 0.69)));
        long bits = Math.max(64L, (long) count * bitsPerKey);
        int bytes = (int) ((bits + 7) / 8);
        bits = bytes * 8L;
        byte[] out = new byte[bytes + 1];
        for (int i = 0; i < count; i++) {
            int h = hashes[i];
            int delta = (h >>> 17) | (h << 15);
            for (int j = 0; j < k; j++) {
                long pos = Integer.toUnsignedLong(h) % bits;
                out[(int) (pos >>> 3)] |= (byte) (1 << (pos & 7));
                h += delta;
            }
        }
        out[bytes] = (byte) k;
        return out;
    }

    static boolean mayContain(byte[] filter, byte[] key) {
        if (filter.length < 2) {
            return true;
        }
        int bytes = filter.length - 1;
        long bits = bytes * 8L;
        int k = filter[bytes];
        if (k < 1 || k > 30) {
            return true; // unknown encoding: never wrongly exclude a key
        }
        int h = hash(key);
        int delta = (h >>> 17) | (h << 15);
        for (int j = 0; j < k; j++) {
            long pos = Integer.toUnsignedLong(h) % bits;
            if ((filter[(int) (pos >>> 3)] & (1 << (pos & 7))) == 0) {
                return false;
            }
            h += delta;
        }
        return true;
    }

    /** Murmur-like hash of leveldb ({@code util/hash.cc}). */
    static int hash(byte[] data) {
        final int m = 0xc6a4a793;
        final int seed = 0xbc9f1d34;
        int n = data.length;
        int h = seed ^ (n * m);
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            int w = (data[i] & 0xFF) | ((data[i + 1] & 0xFF) << 8) | ((data[i + 2] & 0xFF) << 16) | ((data[i + 3] & 0xFF) << 24);
            h += w;
            h *= m;
            h ^= (h >>> 16);
        }
        switch (n - i) {
            case 3:
                h += (data[i + 2] & 0xFF) << 16;
                // fall through
            case 2:
                h += (data[i + 1] & 0xFF) << 8;
                // fall through
            case 1:
                h += data[i] & 0xFF;
                h *= m;
                h ^= (h >>> 24);
                break;
            default:
                break;
        }
        return h;
    }
}
