package dev.golt.storage.lsm;

import dev.golt.storage.CorruptionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * An open SSTable (layout in {@link TableBuilder}). Only the index and the Bloom filter live on
 * the heap; data blocks are read on demand through the {@link BlockCache}.
 */
final class Table implements AutoCloseable {
    /** Returned by {@link #get} for a key deleted in this table. */
    static final byte[] DELETED = new byte[0];

    private final Path path;
    private final long number;
    private final FileChannel channel;
    private final Block index;
    private final byte[] filter;
    private final BlockCache cache;
    private final long entries;

    private Table(Path path, long number, FileChannel channel, Block index, byte[] filter, BlockCache cache, long entries) {
        this.path = path;
        this.number = number;
        this.channel = channel;
        this.index = index;
        this.filter = filter;
        this.cache = cache;
        this.entries = entries;
    }

    static Table open(Path path, long number, BlockCache cache) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = ch.size();
            if (size < Footer.SIZE) {
                throw new CorruptionException(path, 0, "file too short for an SSTable footer");
            }
            byte[] fb = new byte[Footer.SIZE];
            readFully(ch, ByteBuffer.wrap(fb), size - Footer.SIZE);
            Footer footer = Footer.decode(fb, size);
            if (footer == null) {
                throw new CorruptionException(path, size - Footer.SIZE, "bad SSTable footer");
            }
            byte[] indexBytes = java.util.Arrays.copyOf(readBlock(ch, path, footer.indexOffset(), footer.indexSize()), footer.indexSize());
            byte[] filter = java.util.Arrays.copyOf(readBlock(ch, path, footer.filterOffset(), footer.filterSize()), footer.filterSize());
            Block index;
            try {
                index = new Block(indexBytes);
            } catch (IllegalStateException e) {
                throw new CorruptionException(path, footer.indexOffset(), "bad index block: " + e.getMessage());
            }
            return new Table(path, number, ch, index, filter, cache, footer.entries());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    long number() {
        return number;
    }

    long entries() {
        return entries;
    }

    /** Heap held by this table's metadata (index and filter). */
    long metadataBytes() {
        return index.sizeInBytes() + filter.length;
    }

    /** The value, {@link #DELETED} for a tombstone, or null when this table knows nothing of the key. */
    byte[] get(byte[] key) {
        if (!BloomFilter.mayContain(filter, key)) {
            return null;
        }
        Block.Iter idx = index.iterator();
        idx.seek(key);
        if (!idx.valid()) {
            return null;
        }
        Block block = dataBlock(idx.value(), true);
        Block.Iter it = block.iterator();
        try {
            it.seek(key);
        } catch (IllegalStateException e) {
            throw new CorruptionException(path, -1, "bad data block: " + e.getMessage());
        }
        if (!it.valid() || it.compareKey(key) != 0) {
            return null;
        }
        return it.isTombstone() ? DELETED : it.value();
    }

    /**
     * The data block at {@code handle}, from the cache or read; {@code fillCache} false leaves a
     * read block out of the cache (LevelDB's {@code ReadOptions::fill_cache}, which compactions
     * clear): a compaction reads every block of its inputs once, and putting them in the cache
     * would evict what readers use and, on the heap, promote each block to the old generation only
     * for it to be dropped there soon after.
     */
    private Block dataBlock(byte[] handle, boolean fillCache) {
        Coding.Reader r = new Coding.Reader(handle, 0, handle.length);
        long offset = r.varint();
        int size = r.varint32();
        long cacheKey = BlockCache.key(number, offset);
        Block b = cache.get(cacheKey);
        if (b == null) {
            try {
                b = new Block(readBlock(channel, path, offset, size), size);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            } catch (IllegalStateException e) {
                throw new CorruptionException(path, offset, "bad data block: " + e.getMessage());
            }
            if (fillCache) {
                cache.put(cacheKey, b);
            }
        }
        return b;
    }

    /** Reads and verifies a block; the returned array holds the contents then the 4-byte checksum. */
    private static byte[] readBlock(FileChannel ch, Path path, long offset, int size) throws IOException {
        if (size < 0 || offset < 0 || offset + size + 4 > ch.size()) {
            throw new CorruptionException(path, offset, "block handle out of range");
        }
        ByteBuffer buf = ByteBuffer.allocate(size + 4);
        readFully(ch, buf, offset);
        byte[] all = buf.array();
        CRC32C crc = new CRC32C();
        crc.update(all, 0, size);
        if (Coding.getInt32(all, size) != (int) crc.getValue()) {
            throw new CorruptionException(path, offset, "block checksum mismatch");
        }
        return all; // contents followed by the 4 checksum bytes
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long at) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf, at + buf.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    KvIterator iterator() {
        return new TableIterator(true);
    }

    /** An iterator for a compaction: what it reads stays out of the block cache. */
    KvIterator compactionIterator() {
        return new TableIterator(false);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only channel
        }
    }

    /** Two-level iterator: index entries, then the data block each points to. */
    private final class TableIterator implements KvIterator {
        private final Block.Iter idx = index.iterator();
        private final boolean fillCache;
        private Block.Iter data;

        TableIterator(boolean fillCache) {
            this.fillCache = fillCache;
        }

        @Override
        public boolean valid() {
            return data != null && data.valid();
        }

        @Override
        public byte[] key() {
            return data.key();
        }

        @Override
        public byte[] value() {
            return data.value();
        }

        @Override
        public void next() {
            data.next();
            skipEmpty();
        }

        @Override
        public void seek(byte[] target) {
            idx.seek(target);
            openBlock();
            if (data != null) {
                data.seek(target);
            }
            skipEmpty();
        }

        @Override
        public void seekToFirst() {
            idx.seekToFirst();
            openBlock();
            if (data != null) {
                data.seekToFirst();
            }
            skipEmpty();
        }

        private void openBlock() {
            data = idx.valid() ? dataBlock(idx.value(), fillCache).iterator() : null;
        }

        private void skipEmpty() {
            while (data != null && !data.valid()) {
                idx.next();
                openBlock();
                if (data != null) {
                    data.seekToFirst();
                }
            }
        }
    }
}
