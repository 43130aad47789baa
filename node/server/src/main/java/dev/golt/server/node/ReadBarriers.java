package dev.golt.server.node;

import dev.golt.raft.ProposalDroppedException;
import dev.golt.raft.RaftNode;
import dev.golt.raft.ReadState;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Linearizable read barriers (ReadIndex): the reads that arrive in one loop round share one
 * ReadIndex request, are matched to the core's answer by its context, and are then held until
 * the state machine has applied the confirmed index. Follows Apache Ratis's {@code ReadRequests}
 * (its queue of read futures by index, released as the applied index advances). Driver thread only.
 */
final class ReadBarriers {

    private final String id;
    private final RaftNode raft;
    private final LongSupplier appliedIndex;
    private final List<CompletableFuture<Long>> batch = new ArrayList<>();
    private final List<CompletableFuture<Long>> coalesced = new ArrayList<>();
    private final Map<Long, List<CompletableFuture<Long>>> inFlight = new HashMap<>();
    private final TreeMap<Long, List<CompletableFuture<Long>>> waitApplied = new TreeMap<>();
    private long seq;

    ReadBarriers(String id, RaftNode raft, LongSupplier appliedIndex) {
        this.id = id;
        this.raft = raft;
        this.appliedIndex = appliedIndex;
    }

    void add(CompletableFuture<Long> read) {
        batch.add(read);
    }

    /**
     * Adds a read that can wait for the next heartbeat interval ({@link #flushCoalesced}) to share
     * one ReadIndex round with the others that arrive meanwhile, or with the next round that
     * {@link #flush} starts anyway. For lease renewals: thousands of leases kept alive would
     * otherwise cost a round of messages to every follower each, and a renewal's answer may take
     * a heartbeat longer without harm (clients renew a third of the TTL early).
     */
    void addCoalesced(CompletableFuture<Long> read) {
        coalesced.add(read);
    }

    /** Starts one ReadIndex for every read added since the last flush. */
    void flush() {
        if (!batch.isEmpty()) {
            start();
        }
    }

    /** Starts the round the coalesced reads wait for, if any do; called once per heartbeat interval. */
    void flushCoalesced() {
        if (!coalesced.isEmpty()) {
            start();
        }
    }

    private void start() {
        batch.addAll(coalesced);
        coalesced.clear();
        List<CompletableFuture<Long>> reads = new ArrayList<>(batch);
        batch.clear();
        long ctx = ++seq;
        try {
            raft.readIndex(ByteBuffer.allocate(Long.BYTES + id.length()).putLong(ctx).array());
            inFlight.put(ctx, reads);
        } catch (ProposalDroppedException e) {
            NodeException ex = NodeException.unavailable("no leader: " + e.getMessage());
            reads.forEach(f -> f.completeExceptionally(ex));
        }
    }

    void confirmed(List<ReadState> readStates) {
        for (ReadState rs : readStates) {
            long ctx = ByteBuffer.wrap(rs.context()).getLong();
            List<CompletableFuture<Long>> waiting = inFlight.remove(ctx);
            if (waiting != null) {
                awaitApplied(rs.index(), waiting);
            }
        }
    }

    private void awaitApplied(long index, List<CompletableFuture<Long>> futures) {
        if (appliedIndex.getAsLong() >= index) {
            futures.forEach(f -> f.complete(index));
        } else {
            waitApplied.computeIfAbsent(index, k -> new ArrayList<>()).addAll(futures);
        }
    }

    /** Answers the reads whose index the state machine has now applied. */
    void releaseApplied() {
        long applied = appliedIndex.getAsLong();
        while (!waitApplied.isEmpty() && waitApplied.firstKey() <= applied) {
            Map.Entry<Long, List<CompletableFuture<Long>>> e = waitApplied.pollFirstEntry();
            e.getValue().forEach(f -> f.complete(e.getKey()));
        }
    }

    /** Fails the reads still waiting for a leader's confirmation, which may never come. */
    void failUnconfirmed(NodeException failure) {
        inFlight.values().forEach(l -> l.forEach(f -> f.completeExceptionally(failure)));
        inFlight.clear();
        coalesced.forEach(f -> f.completeExceptionally(failure));
        coalesced.clear();
    }

    /** Drops reads whose callers were already answered (timed out), so the queues stay small. */
    void forgetAnswered() {
        waitApplied.values().forEach(l -> l.removeIf(CompletableFuture::isDone));
    }
}
