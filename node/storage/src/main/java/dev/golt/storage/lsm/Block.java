package dev.golt.storage.lsm;

import java.util.Arrays;

/** A parsed, immutable block built by {@link BlockBuilder}; see its layout. */
final class Block {
    static final byte[] TOMBSTONE_MARK = null;

    private final byte[] data;
    private final int restartsOffset;
    private final int restartCount;

    Block(byte[] data) {
        if (data.length < 4) {
            throw new IllegalStateException("block too short");
        }
        this.data = data;
        this.restartCount = Coding.getInt32(data, data.length - 4);
        this.restartsOffset = data.length - 4 - restartCount * 4;
        if (restartCount < 1 || restartsOffset < 0) {
            throw new IllegalStateException("bad restart count " + restartCount);
        }
    }

    int sizeInBytes() {
        return data.length;
    }

    Iter iterator() {
        return new Iter();
    }

    /** Cursor over the block; decodes keys into a reusable buffer. */
    final class Iter implements KvIterator {
        private int next; // offset of the entry after the current one
        private byte[] keyBuf = new byte[64];
        private int keyLen;
        private int valueOffset;
        private int valueLen; // -1 for tombstone
        private boolean valid;

        @Override
        public boolean valid() {
            return valid;
        }

        @Override
        public byte[] key() {
            return Arrays.copyOf(keyBuf, keyLen);
        }

        @Override
        public byte[] value() {
            return valueLen < 0 ? null : Arrays.copyOfRange(data, valueOffset, valueOffset + valueLen);
        }

        boolean isTombstone() {
            return valueLen < 0;
        }

        int compareKey(byte[] target) {
            return Arrays.compareUnsigned(keyBuf, 0, keyLen, target, 0, target.length);
        }

        @Override
        public void next() {
            if (next >= restartsOffset) {
                valid = false;
                return;
            }
            parseAt(next);
        }

        private void parseAt(int offset) {
            Coding.Reader r = new Coding.Reader(data, offset, restartsOffset);
            int shared = r.varint32();
            int unshared = r.varint32();
            long vl = r.varint();
            if (shared > keyLen && offset != 0 || unshared < 0 || r.pos + unshared > restartsOffset) {
                throw new IllegalStateException("bad block entry at " + offset);
            }
            int len = shared + unshared;
            if (len > keyBuf.length) {
                keyBuf = Arrays.copyOf(keyBuf, Math.max(len, keyBuf.length * 2));
            }
            System.arraycopy(data, r.pos, keyBuf, shared, unshared);
            keyLen = len;
            valueOffset = r.pos + unshared;
            valueLen = (int) vl - 1;
            int end = valueOffset + Math.max(valueLen, 0);
            if (end > restartsOffset || vl > Integer.MAX_VALUE) {
                throw new IllegalStateException("bad value length at " + offset);
            }
            next = end;
            valid = true;
        }

        private int restartPoint(int i) {
            return Coding.getInt32(data, restartsOffset + i * 4);
        }

        @Override
        public void seekToFirst() {
            keyLen = 0;
            parseAt(restartPoint(0));
        }

        @Override
        public void seek(byte[] target) {
            // Binary search for the last restart point whose key is < target.
            int lo = 0;
            int hi = restartCount - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                keyLen = 0;
                parseAt(restartPoint(mid));
                if (compareKey(target) < 0) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            keyLen = 0;
            parseAt(restartPoint(lo));
            while (valid && compareKey(target) < 0) {
                next();
            }
        }
    }
}
