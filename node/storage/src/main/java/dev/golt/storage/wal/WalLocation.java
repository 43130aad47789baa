package dev.golt.storage.wal;

import dev.golt.storage.StorageException;

/**
 * Where an ENTRY record of the WAL starts, packed into one {@code long} so that the in-memory log
 * index holds a flat {@code long[]} rather than an object per entry (the file-id-and-position of
 * Bitcask's keydir, packed the way leveldb packs sequence and type into one word).
 *
 * <pre>
 *  63              38 37                                      0
 * +------------------+-----------------------------------------+
 * | segment (26 bits)|          offset (38 bits)               |
 * +------------------+-----------------------------------------+
 * segment  sequence number of the segment file (wal-&lt;segment&gt;.log), 1 .. 2^26-1 = 67,108,863
 * offset   byte position of the record's header in that file,     0 .. 2^38-1 (256 GiB - 1)
 * </pre>
 *
 * <p>The value is never written to disk: replay rebuilds it at every open, so the split can
 * change between versions without a format change. Bit 63 is a segment bit, which is why
 * decoding shifts with {@code >>>}.
 *
 * <p>Limits, and what happens at them:
 * <ul>
 *   <li>Offset: an entry starts before {@link WalOptions#segmentBytes()}, because the roll is
 *       checked before each entry, so {@code WalOptions} refuses segments larger than
 *       {@link #MAX_SEGMENT_BYTES} (2^38 bytes).</li>
 *   <li>Segment: numbers are never reused; every roll, every open and every installed snapshot
 *       takes the next one. 2^26 segments are 1 PiB of log at the default 16 MiB but only 64 GiB
 *       at the 1 KiB minimum, so the limit is reachable. Past it the shift used to drop the
 *       high bits silently: segment n read as segment n mod 2^26, so reading an entry that had
 *       left the cache opened an older file (or none) and could return whichever entry started
 *       at that offset there. Now starting segment 2^26 fails with a {@link StorageException}
 *       and the WAL takes no more entries. The member has to be rebuilt (wiped and re-added, so that it starts
 *       from a snapshot with fresh segment numbers).</li>
 * </ul>
 */
final class WalLocation {
    static final int OFFSET_BITS = 38;
    static final long MAX_OFFSET = (1L << OFFSET_BITS) - 1;
    static final long MAX_SEGMENT = (1L << (Long.SIZE - OFFSET_BITS)) - 1;
    static final long MAX_SEGMENT_BYTES = 1L << OFFSET_BITS;

    private WalLocation() {}

    static long encode(long segment, long offset) {
        checkSegment(segment);
        if (offset < 0 || offset > MAX_OFFSET) {
            throw new StorageException("WAL record offset " + offset + " in segment " + segment
                    + " is beyond the largest addressable offset " + MAX_OFFSET);
        }
        return (segment << OFFSET_BITS) | offset;
    }

    static long segment(long location) {
        return location >>> OFFSET_BITS;
    }

    static long offset(long location) {
        return location & MAX_OFFSET;
    }

    /** Fails unless {@code segment} is a number a location can hold. */
    static void checkSegment(long segment) {
        if (segment < 0 || segment > MAX_SEGMENT) {
            throw new StorageException("WAL segment number " + segment + " is beyond the last usable one, " + MAX_SEGMENT
                    + ": this member's WAL cannot take more entries; remove the member's data and re-add it"
                    + " so that it restarts from a snapshot");
        }
    }
}
