package dev.golt.storage.lsm;

import dev.golt.storage.FsyncPolicy;
import dev.golt.storage.io.FileIo;

/**
 * Tuning of the {@link LsmStore}. Defaults keep a node's heap well under 300 MiB: at most
 * (1 + maxImmutableMemtables) x memtableBytes of memtables plus the block cache plus table metadata.
 *
 * @param memtableBytes          a memtable is switched out for flushing at this (estimated) size
 * @param maxImmutableMemtables  writers wait while this many memtables are waiting to be flushed
 * @param blockSize              target uncompressed data block size
 * @param bloomBitsPerKey        Bloom filter bits per key (10 gives about 1% false positives)
 * @param blockCacheBytes        LRU data block cache
 * @param l0CompactionTrigger    level-0 tables that trigger a compaction into level 1
 * @param levelBaseBytes         target size of level 1; each deeper level is levelMultiplier times larger
 * @param levelMultiplier        size ratio between consecutive levels
 * @param targetFileBytes        compaction output tables are cut at this size
 * @param fsync                  whether flushes and manifest edits fsync
 * @param io                     file operations (tests inject faults here)
 * @param memtableMaxAgeMillis   a memtable is also switched out once its first write is this old (0: only
 *                               by size). The owner replays its log from the last flush after a crash
 *                               (the store has no log of its own), so this bounds that replay by time
 *                               as memtableBytes does by size.
 */
public record LsmOptions(long memtableBytes, int maxImmutableMemtables, int blockSize, int bloomBitsPerKey,
                         long blockCacheBytes, int l0CompactionTrigger, long levelBaseBytes, int levelMultiplier,
                         long targetFileBytes, FsyncPolicy fsync, FileIo io, long memtableMaxAgeMillis) {

    public LsmOptions {
        if (memtableBytes < 1024 || maxImmutableMemtables < 1 || blockSize < 64 || bloomBitsPerKey < 0
                || blockCacheBytes < 0 || l0CompactionTrigger < 1 || levelBaseBytes < 1024 || levelMultiplier < 2
                || targetFileBytes < 1024 || fsync == null || io == null || memtableMaxAgeMillis < 0) {
            throw new IllegalArgumentException("invalid LSM options: " + this);
        }
    }

    public static LsmOptions defaults() {
        return new LsmOptions(16L << 20, 2, 4096, 10, 32L << 20, 4, 64L << 20, 10, 8L << 20, FsyncPolicy.ALWAYS, FileIo.DEFAULT, 0);
    }

    public LsmOptions withMemtableBytes(long v) {
        return new LsmOptions(v, maxImmutableMemtables, blockSize, bloomBitsPerKey, blockCacheBytes, l0CompactionTrigger, levelBaseBytes, levelMultiplier, targetFileBytes, fsync, io, memtableMaxAgeMillis);
    }

    public LsmOptions withBlockSize(int v) {
        return new LsmOptions(memtableBytes, maxImmutableMemtables, v, bloomBitsPerKey, blockCacheBytes, l0CompactionTrigger, levelBaseBytes, levelMultiplier, targetFileBytes, fsync, io, memtableMaxAgeMillis);
    }

    public LsmOptions withBloomBitsPerKey(int v) {
        return new LsmOptions(memtableBytes, maxImmutableMemtables, blockSize, v, blockCacheBytes, l0CompactionTrigger, levelBaseBytes, levelMultiplier, targetFileBytes, fsync, io, memtableMaxAgeMillis);
    }

    public LsmOptions withBlockCacheBytes(long v) {
        return new LsmOptions(memtableBytes, maxImmutableMemtables, blockSize, bloomBitsPerKey, v, l0CompactionTrigger, levelBaseBytes, levelMultiplier, targetFileBytes, fsync, io, memtableMaxAgeMillis);
    }

    public LsmOptions withCompaction(int l0Trigger, long levelBase, int multiplier, long targetFile) {
        return new LsmOptions(memtableBytes, maxImmutableMemtables, blockSize, bloomBitsPerKey, blockCacheBytes, l0Trigger, levelBase, multiplier, targetFile, fsync, io, memtableMaxAgeMillis);
    }

    public LsmOptions withFsync(FsyncPolicy v) {
        return new LsmOptions(memtableBytes, maxImmutableMemtables, blockSize, bloomBitsPerKey, blockCacheBytes, l0CompactionTrigger, levelBaseBytes, levelMultiplier, targetFileBytes, v, io, memtableMaxAgeMillis);
    }

    public LsmOptions withIo(FileIo v) {
        return new LsmOptions(memtableBytes, maxImmutableMemtables, blockSize, bloomBitsPerKey, blockCacheBytes, l0CompactionTrigger, levelBaseBytes, levelMultiplier, targetFileBytes, fsync, v, memtableMaxAgeMillis);
    }

    public LsmOptions withMemtableMaxAgeMillis(long v) {
        return new LsmOptions(memtableBytes, maxImmutableMemtables, blockSize, bloomBitsPerKey, blockCacheBytes, l0CompactionTrigger, levelBaseBytes, levelMultiplier, targetFileBytes, fsync, io, v);
    }
}
