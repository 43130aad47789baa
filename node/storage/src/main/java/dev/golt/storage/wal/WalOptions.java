package dev.golt.storage.wal;

import dev.golt.storage.FsyncPolicy;
import dev.golt.storage.io.FileIo;

/**
 * Tuning of the {@link SegmentedWal}.
 *
 * @param segmentBytes a segment is closed and a new one started once it exceeds this size; at most
 *                     {@link WalLocation#MAX_SEGMENT_BYTES} (256 GiB), the reach of an entry's location
 * @param fsync        whether {@code sync()} really fsyncs
 * @param cacheBytes   recent entries kept in memory (serialized size) so replication reads skip disk
 * @param io           file operations (tests inject faults here)
 */
public record WalOptions(long segmentBytes, FsyncPolicy fsync, long cacheBytes, FileIo io) {

    public static final long DEFAULT_SEGMENT_BYTES = 16L << 20;
    public static final long DEFAULT_CACHE_BYTES = 8L << 20;

    public WalOptions {
        if (segmentBytes < 1024) {
            throw new IllegalArgumentException("segmentBytes must be at least 1024: " + segmentBytes);
        }
        if (segmentBytes > WalLocation.MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segmentBytes must be at most " + WalLocation.MAX_SEGMENT_BYTES
                    + " (offsets within a segment have " + WalLocation.OFFSET_BITS + " bits): " + segmentBytes);
        }
        if (cacheBytes < 0) {
            throw new IllegalArgumentException("cacheBytes must be >= 0: " + cacheBytes);
        }
        if (fsync == null || io == null) {
            throw new IllegalArgumentException("fsync and io are required");
        }
    }

    public static WalOptions defaults() {
        return new WalOptions(DEFAULT_SEGMENT_BYTES, FsyncPolicy.ALWAYS, DEFAULT_CACHE_BYTES, FileIo.DEFAULT);
    }

    public WalOptions withSegmentBytes(long v) {
        return new WalOptions(v, fsync, cacheBytes, io);
    }

    public WalOptions withFsync(FsyncPolicy v) {
        return new WalOptions(segmentBytes, v, cacheBytes, io);
    }

    public WalOptions withCacheBytes(long v) {
        return new WalOptions(segmentBytes, fsync, v, io);
    }

    public WalOptions withIo(FileIo v) {
        return new WalOptions(segmentBytes, fsync, cacheBytes, v);
    }
}
