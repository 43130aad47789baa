package dev.golt.storage.lsm;

import java.util.Arrays;

/** A parsed, immutable block built by {@link BlockBuilder}; see its layout. */
final class Block {
    private final byte[] data;
    private final int length;
    private final int restartsOffset;
    private final int restartCount;

    Block(byte[] data) {
        this(data, data.length);
    }

    /** A block made of the first {@code length} bytes of {@code data} (the rest is ignored). */
    Block(byte[] data, int length) {
        if (length < 4 || length > data.length) {
            throw new IllegalStateException("block too short");
        }
        this.data = data;
        this.length = length;
        this.restartCount = Coding.getInt32(data, length - 4);
        this.restartsOffset = length - 4 - restartCount * 4;
        if (restartCount < 1 || restartCount > length / 4 || restartsOffset < 0) {
            throw new IllegalStateException("bad restart count " + restartCount);
        }
    }

    int sizeInBytes() {
        return data.length;
    }

    int length() {
        return length;
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

        private int cursor; // decode position used by varint()

        private int varint() {
            int result = 0;
            for (int shift = 0; shift <= 28; shift += 7) {
                if (cursor >= restartsOffset) {
                    throw new IllegalStateException("truncated varint in block");
                }
                byte b = data[cursor++];
                result |= (b & 0x7F) << shift;
                if (b >= 0) {
                    if (result < 0) {
                        throw new IllegalStateException("varint out of range in block");
                    }
                    return result;
                }
            }
            throw new IllegalStateException("varint too long in block");
        }

        private void parseAt(int offset) {
            cursor = offset;
            int shared = varint();
            int unshared = varint();
            int vl = varint();
            if (shared > keyLen || unshared > restartsOffset - cursor) {
                throw new IllegalStateException("bad block entry at " + offset);
            }
            int len = shared + unshared;
            if (len > keyBuf.length) {
                keyBuf = Arrays.copyOf(keyBuf, Math.max(len, keyBuf.length * 2));
            }
            System.arraycopy(data, cursor, keyBuf, shared, unshared);
            keyLen = len;
            valueOffset = cursor + unshared;
            valueLen = vl - 1;
            int end = valueOffset + Math.max(valueLen, 0);
            if (end > restartsOffset || end < valueOffset) {
                throw new IllegalStateException("bad value length at " + offset);
            }
            next = end;
            valid = true;
        }

        /** Compares the key stored at a restart point (shared = 0) with target, without copying it. */
        private int compareRestartKey(int offset, byte[] target) {
            cursor = offset;
            int shared = varint();
            int unshared = varint();
            varint();
            if (shared != 0 || unshared > restartsOffset - cursor) {
                throw new IllegalStateException("bad restart entry at " + offset);
            }
            return Arrays.compareUnsigned(data, cursor, cursor + unshared, target, 0, target.length);
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
                if (compareRestartKey(restartPoint(mid), target) < 0) {
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
