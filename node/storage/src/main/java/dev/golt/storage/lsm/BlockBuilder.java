package dev.golt.storage.lsm;

/**
 * Builds one sorted block (data or index), leveldb style.
 *
 * <pre>
 * entry*   : shared varint | unshared varint | valueLen+1 varint (0 = tombstone) | key[shared..] | value
 * restarts : int32 offset of every restartInterval-th entry (stored with shared = 0)
 * trailer  : int32 number of restarts
 * </pre>
 * Keys must be added in strictly increasing order.
 */
final class BlockBuilder {
    private final int restartInterval;
    private final Coding.Writer out;
    private int[] restarts = new int[16];
    private int restartCount;
    private int counter;
    private byte[] lastKey = new byte[0];
    private int entries;

    BlockBuilder(int restartInterval, int expectedBytes) {
        this.restartInterval = restartInterval;
        this.out = new Coding.Writer(expectedBytes + 64);
        reset();
    }

    void reset() {
        out.reset();
        restartCount = 0;
        addRestart(0);
        counter = 0;
        lastKey = new byte[0];
        entries = 0;
    }

    private void addRestart(int offset) {
        if (restartCount == restarts.length) {
            restarts = java.util.Arrays.copyOf(restarts, restartCount * 2);
        }
        restarts[restartCount++] = offset;
    }

    /** Adds {@code key} with {@code value}; a null value is a tombstone. */
    void add(byte[] key, byte[] value) {
        int shared = 0;
        if (counter < restartInterval) {
            int max = Math.min(lastKey.length, key.length);
            int mismatch = java.util.Arrays.mismatch(lastKey, 0, max, key, 0, max);
            shared = mismatch < 0 ? max : mismatch;
        } else {
            addRestart(out.pos);
            counter = 0;
        }
        int unshared = key.length - shared;
        int valueLen = value == null ? 0 : value.length;
        out.ensure(30 + unshared + valueLen);
        out.varint(shared).varint(unshared).varint(value == null ? 0 : value.length + 1L);
        out.bytes(key, shared, unshared);
        if (value != null) {
            out.bytes(value, 0, value.length);
        }
        lastKey = key;
        counter++;
        entries++;
    }

    int estimatedSize() {
        return out.pos + restartCount * 4 + 4;
    }

    boolean isEmpty() {
        return entries == 0;
    }

    byte[] lastKey() {
        return lastKey;
    }

    /** The finished block contents. */
    byte[] finish() {
        for (int i = 0; i < restartCount; i++) {
            out.int32(restarts[i]);
        }
        out.int32(restartCount);
        return out.toArray();
    }
}
