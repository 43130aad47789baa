package dev.golt.storage.lsm;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The fixed-size end of an SSTable.
 *
 * <pre>
 * indexOffset u64 | indexSize u32 | filterOffset u64 | filterSize u32 | entries u64 | crc32c u32 (of the 32 bytes before) | magic u64
 * </pre>
 * Sizes exclude each block's 4-byte crc32c trailer.
 */
record Footer(long indexOffset, int indexSize, long filterOffset, int filterSize, long entries) {
    static final int SIZE = 44;
    static final long MAGIC = 0x676f6c7473737431L; // "goltsst1"

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.putLong(indexOffset).putInt(indexSize).putLong(filterOffset).putInt(filterSize).putLong(entries);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 32);
        b.putInt((int) crc.getValue()).putLong(MAGIC);
        return b.array();
    }

    /** Decodes and validates; returns null if the footer is damaged. */
    static Footer decode(byte[] bytes, long fileSize) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (bytes.length != SIZE || b.getLong(36) != MAGIC) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 32);
        if (b.getInt(32) != (int) crc.getValue()) {
            return null;
        }
        Footer f = new Footer(b.getLong(0), b.getInt(8), b.getLong(12), b.getInt(20), b.getLong(24));
        long limit = fileSize - SIZE;
        if (f.indexOffset < 0 || f.indexSize < 4 || f.indexOffset + f.indexSize + 4 > limit
                || f.filterOffset < 0 || f.filterSize < 0 || f.filterOffset + f.filterSize + 4 > limit || f.entries < 0) {
            return null;
        }
        return f;
    }
}
