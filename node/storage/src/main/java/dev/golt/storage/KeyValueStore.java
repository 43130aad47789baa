package dev.golt.storage;

import java.nio.file.Path;
import java.util.List;

/**
 * The replicated state machine's durable store (the LSM tree). Keys and values are opaque bytes,
 * ordered by unsigned lexicographic comparison. Thread-safe: the driver applies while HTTP
 * threads read.
 */
public interface KeyValueStore extends AutoCloseable {

    /** The value of {@code key}, or null when absent. */
    byte[] get(byte[] key);

    /**
     * Applies every operation of {@code batch} atomically and records {@code appliedIndex} as the
     * last Raft index reflected in the store. Not durable by itself: the WAL is; after a restart
     * {@link #appliedIndex()} tells from where to replay.
     */
    void apply(WriteBatch batch, long appliedIndex);

    /**
     * Up to {@code limit} entries whose key starts with {@code prefix} and sorts strictly after
     * {@code after} (null: from the start of the prefix), in key order.
     */
    List<KeyValue> scan(byte[] prefix, byte[] after, int limit);

    /**
     * Up to {@code limit} entries with {@code from <= key < to} ({@code to} null: no upper bound), in
     * key order.
     */
    List<KeyValue> range(byte[] from, byte[] to, int limit);

    /** The highest Raft index whose effects are durable in the store (persisted with each flush). */
    long durableAppliedIndex();

    /** The highest Raft index applied (durable or still in the memtable). */
    long appliedIndex();

    /**
     * Writes a consistent, immutable checkpoint of the current state into the new directory
     * {@code dir} (hard links to SSTables plus metadata holding {@link #appliedIndex()}). Blocks
     * writers only for the memtable switch.
     *
     * @return the applied index the checkpoint reflects
     */
    long checkpoint(Path dir);

    @Override
    void close();

    record KeyValue(byte[] key, byte[] value) {}
}
