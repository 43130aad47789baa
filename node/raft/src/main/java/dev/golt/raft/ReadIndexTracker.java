package dev.golt.raft;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * The leader's pending ReadIndex requests (etcd's read_only.go, batched): requests collect until
 * the driver next asks for a Ready, then one heartbeat round confirms leadership for all of them.
 */
final class ReadIndexTracker {

    record Request(String from, ByteString context) {}

    record Round(ByteString context, long index, List<Request> requests, Set<String> acks) {}

    /** Requests that arrived before the leader committed an entry of its term. */
    private final List<Request> waitingForCommit = new ArrayList<>();
    private List<Request> batch = new ArrayList<>();
    private final LinkedHashMap<ByteString, Round> rounds = new LinkedHashMap<>();
    private long nextRound = 1;

    void request(Request r, boolean committedInTerm) {
        if (committedInTerm) {
            batch.add(r);
        } else {
            waitingForCommit.add(r);
        }
    }

    void releaseWaitingForCommit() {
        if (!waitingForCommit.isEmpty()) {
            batch.addAll(waitingForCommit);
            waitingForCommit.clear();
        }
    }

    /** Starts a round for the batched requests at {@code committed}; null when none are batched. */
    Round startRound(long committed, String self) {
        if (batch.isEmpty()) {
            return null;
        }
        ByteString ctx = ByteString.copyFromUtf8("r" + nextRound++);
        Set<String> acks = new HashSet<>();
        if (self != null) {
            acks.add(self);
        }
        Round round = new Round(ctx, committed, batch, acks);
        batch = new ArrayList<>();
        rounds.put(ctx, round);
        return round;
    }

    Round ack(ByteString ctx, String from) {
        Round r = rounds.get(ctx);
        if (r != null) {
            r.acks().add(from);
        }
        return r;
    }

    /** Removes and returns every round up to and including {@code upTo}: its confirmation covers the earlier ones. */
    List<Round> releaseThrough(Round upTo) {
        List<Round> out = new ArrayList<>();
        Iterator<Round> it = rounds.values().iterator();
        while (it.hasNext()) {
            Round r = it.next();
            it.remove();
            out.add(r);
            if (r == upTo) {
                break;
            }
        }
        return out;
    }

    /** Context of the newest unconfirmed round, carried by regular heartbeats so lost ones are retried. */
    ByteString lastContext() {
        Round last = null;
        for (Round r : rounds.values()) {
            last = r;
        }
        return last == null ? null : last.context();
    }

    void clear() {
        waitingForCommit.clear();
        batch = new ArrayList<>();
        rounds.clear();
    }
}
