package dev.golt.storage.lsm;

import dev.golt.storage.io.WritableFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Writes one SSTable.
 *
 * <pre>
 * data block 1 | crc32c u32
 * ...
 * data block n | crc32c u32
 * filter block (see {@link BloomFilter}) | crc32c u32
 * index block  | crc32c u32     index entries: key = last key of a data block, value = offset varint | size varint
 * footer (see {@link Footer})
 * </pre>
 */
final class TableBuilder {
    private final WritableFile file;
    private final int blockSize;
    private final int bitsPerKey;
    private final BlockBuilder data;
    private final BlockBuilder index;
    private int[] hashes = new int[1024];
    private int count;
    private long offset;
    private byte[] smallest;
    private byte[] largest;
    private final Coding.Writer handle = new Coding.Writer(20);
    private final ByteBuffer buffer;

    TableBuilder(WritableFile file, int blockSize, int bitsPerKey) {
        this.file = file;
        this.blockSize = blockSize;
        this.bitsPerKey = bitsPerKey;
        this.data = new BlockBuilder(16, blockSize);
        this.index = new BlockBuilder(1, 4096);
        this.buffer = ByteBuffer.allocate(256 << 10);
    }

    void add(byte[] key, byte[] value) throws IOException {
        if (largest != null && Coding.compare(key, largest) <= 0) {
            throw new IllegalArgumentException("keys must be added in increasing order");
        }
        if (smallest == null) {
            smallest = key;
        }
        largest = key;
        if (count == hashes.length) {
            hashes = Arrays.copyOf(hashes, count * 2);
        }
        hashes[count++] = BloomFilter.hash(key);
        data.add(key, value);
        if (data.estimatedSize() >= blockSize) {
            flushDataBlock();
        }
    }

    private void flushDataBlock() throws IOException {
        if (data.isEmpty()) {
            return;
        }
        byte[] last = data.lastKey();
        byte[] contents = data.finish();
        long at = writeBlock(contents);
        handle.reset();
        handle.varint(at).varint(contents.length);
        index.add(last, handle.toArray());
        data.reset();
    }

    private long writeBlock(byte[] contents) throws IOException {
        long at = offset;
        CRC32C crc = new CRC32C();
        crc.update(contents);
        write(contents);
        write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return at;
    }

    private void write(byte[] bytes) throws IOException {
        int pos = 0;
        while (pos < bytes.length) {
            int n = Math.min(buffer.remaining(), bytes.length - pos);
            buffer.put(bytes, pos, n);
            pos += n;
            if (!buffer.hasRemaining()) {
                drain();
            }
        }
        offset += bytes.length;
    }

    private void drain() throws IOException {
        buffer.flip();
        file.append(buffer);
        buffer.clear();
    }

    long entries() {
        return count;
    }

    long fileSize() {
        return offset;
    }

    byte[] smallest() {
        return smallest;
    }

    byte[] largest() {
        return largest;
    }

    /** Writes filter, index and footer; the caller syncs and closes the file. */
    void finish() throws IOException {
        flushDataBlock();
        byte[] filter = BloomFilter.build(hashes, count, bitsPerKey);
        long filterAt = writeBlock(filter);
        byte[] indexContents = index.finish();
        long indexAt = writeBlock(indexContents);
        write(new Footer(indexAt, indexContents.length, filterAt, filter.length, count).encode());
        drain();
    }
}
