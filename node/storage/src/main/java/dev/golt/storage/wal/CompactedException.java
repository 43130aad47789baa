package dev.golt.storage.wal;

/**
 * The requested index lies in the compacted prefix of the WAL. The storage module's own twin of the
 * core's {@code LogCompactedException}, so that it needs nothing from the core; node/server's
 * adapter translates one into the other.
 */
public final class CompactedException extends RuntimeException {
    public CompactedException(long index, long firstIndex) {
        super("index " + index + " is compacted; log starts at " + firstIndex);
    }
}
