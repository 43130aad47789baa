package dev.golt.storage.wal;

import java.nio.ByteBuffer;

/**
 * Record types of a WAL segment; each is framed by {@link dev.golt.storage.io.Record}.
 *
 * <pre>
 * ENTRY      (1)  payload = serialized raft Entry (carries its own index and term)
 * HARD_STATE (2)  payload = serialized HardState; the last one in the log wins
 * SNAPSHOT   (3)  payload = serialized SnapshotMetadata of the latest snapshot
 * COMPACT    (4)  payload = index u64 | term u64: entries at or below index are gone
 * RESET      (5)  payload = index u64 | term u64: the whole log is discarded, next entry is index+1
 * CLOSED     (6)  empty: written by a clean close, so damage before it cannot pass for a torn tail
 * </pre>
 *
 * Every segment starts with HARD_STATE, SNAPSHOT and COMPACT records restating the state at the
 * time it was started, so older segments can be deleted without losing that state.
 * Replaying records in order rebuilds the log: an ENTRY at or below the last index truncates the
 * conflicting suffix first (as {@code append} did).
 *
 * <p>No record holds membership of its own: the SNAPSHOT record's {@code ConfState} is the
 * configuration the WAL reports, and conf-change ENTRY records are stored like any other entry for
 * the Raft core to replay. The format is unchanged by that decision (membership was once also
 * folded from ENTRY records in memory, never written), so every existing segment reads as before.
 */
final class WalRecord {
    static final byte ENTRY = 1;
    static final byte HARD_STATE = 2;
    static final byte SNAPSHOT = 3;
    static final byte COMPACT = 4;
    static final byte RESET = 5;
    static final byte CLOSED = 6;

    private WalRecord() {}

    static byte[] mark(long index, long term) {
        return ByteBuffer.allocate(16).putLong(index).putLong(term).array();
    }
}
