package dev.golt.storage.lsm;

import java.util.Arrays;

/** Varint and key helpers shared by the table formats. */
final class Coding {
    private Coding() {}

    /** Unsigned lexicographic order, the order of every key in the store. */
    static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    static int putVarint(byte[] buf, int pos, long v) {
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
        return pos;
    }

    static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** Reads varints from a byte array; {@code pos} advances. */
    static final class Reader {
        final byte[] buf;
        int pos;
        final int limit;

        Reader(byte[] buf, int pos, int limit) {
            this.buf = buf;
            this.pos = pos;
            this.limit = limit;
        }

        long varint() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= limit) {
                    throw new IllegalStateException("truncated varint");
                }
                byte b = buf[pos++];
                result |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return result;
                }
            }
            throw new IllegalStateException("varint too long");
        }

        int varint32() {
            long v = varint();
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new IllegalStateException("varint out of range: " + v);
            }
            return (int) v;
        }

        byte[] bytes(int n) {
            if (n < 0 || pos + n > limit) {
                throw new IllegalStateException("truncated bytes");
            }
            byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return out;
        }

        byte[] lengthPrefixed() {
            return bytes(varint32());
        }
    }

    /** A growable byte array writer. */
    static final class Writer {
        byte[] buf;
        int pos;

        Writer(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        void ensure(int extra) {
            if (pos + extra > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + extra));
            }
        }

        Writer varint(long v) {
            ensure(10);
            pos = putVarint(buf, pos, v);
            return this;
        }

        Writer bytes(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, pos, len);
            pos += len;
            return this;
        }

        Writer lengthPrefixed(byte[] b) {
            varint(b.length);
            return bytes(b, 0, b.length);
        }

        Writer int32(int v) {
            ensure(4);
            buf[pos++] = (byte) (v >>> 24);
            buf[pos++] = (byte) (v >>> 16);
            buf[pos++] = (byte) (v >>> 8);
            buf[pos++] = (byte) v;
            return this;
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, pos);
        }

        void reset() {
            pos = 0;
        }
    }

    static int getInt32(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }
}
