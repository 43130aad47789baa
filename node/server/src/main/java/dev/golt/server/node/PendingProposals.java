package dev.golt.server.node;

import dev.golt.proto.Entry;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The proposals this leader handed to the consensus core, by log index, each waiting for its entry
 * to be applied. Follows Apache Ratis's {@code PendingRequests}: a map from index to the waiting
 * request, answered by the apply path and failed in bulk when the node stops or a snapshot
 * replaces the log under them. Driver thread only.
 */
final class PendingProposals {

    private record Pending(long term, CompletableFuture<ApplyResult> future, long startNanos) {}

    private final TreeMap<Long, Pending> byIndex = new TreeMap<>();
    private final NodeMetrics metrics;

    PendingProposals(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    void add(long index, long term, CompletableFuture<ApplyResult> future, long startNanos) {
        byIndex.put(index, new Pending(term, future, startNanos));
    }

    /** Answers the proposal waiting at {@code e}'s index, if this node made one there. */
    void applied(Entry e, ApplyResult result) {
        Pending p = byIndex.remove(e.getIndex());
        if (p == null) {
            return;
        }
        if (p.term != e.getTerm()) {
            // Another leader's entry took this index: ours was never committed.
            p.future.completeExceptionally(NodeException.unavailable("proposal lost to a leader change"));
            return;
        }
        metrics.proposalApplied(System.nanoTime() - p.startNanos);
        p.future.complete(result != null ? result : new ApplyResult(e.getIndex(), true, null));
    }

    /** Fails every proposal at or below {@code index}: they were decided where this node cannot see. */
    void failThrough(long index, NodeException failure) {
        while (!byIndex.isEmpty() && byIndex.firstKey() <= index) {
            byIndex.pollFirstEntry().getValue().future.completeExceptionally(failure);
        }
    }

    void failAll(NodeException failure) {
        byIndex.values().forEach(p -> p.future.completeExceptionally(failure));
    }

    /** Drops proposals whose callers were already answered (timed out), so the map stays small. */
    void forgetAnswered() {
        byIndex.values().removeIf(p -> p.future.isDone());
    }
}
