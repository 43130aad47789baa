package dev.golt.raft;

/**
 * A linearizable read may be served once the state machine has applied {@code index}.
 *
 * @param context the opaque context given to {@link RaftNode#readIndex(byte[])}
 */
public record ReadState(long index, byte[] context) {}
