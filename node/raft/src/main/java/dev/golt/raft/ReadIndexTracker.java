package dev.golt.raft;

import com.google.protobuf.ByteString;
import dev.golt.raft.quorum.Majority;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * The leader's ReadIndex requests, from arrival to confirmation (etcd-io/raft's read_only.go,
 * batched): requests collect until the driver next asks for a Ready, then one heartbeat round
 * confirms this leadership for all of them. RawNode only routes messages here and delivers the
 * answers.
 */
final class ReadIndexTracker {

    record Request(String from, ByteString context) {}

    /** One heartbeat round: the reads it confirms are answered at {@code index}, the commit index when it began. */
    record Round(ByteString context, long index, List<Request> requests, Set<String> acks) {}

    private final String self;
    /** Requests that arrived before the leader committed an entry of its term, whose commit index may be stale. */
    private final List<Request> waitingForCommit = new ArrayList<>();
    private List<Request> batch = new ArrayList<>();
    private final LinkedHashMap<ByteString, Round> rounds = new LinkedHashMap<>();
    private long nextRound = 1;

    ReadIndexTracker(String self) {
        this.self = self;
    }

    /**
     * Takes a request; returns true when it is confirmed already and must be answered at once at
     * the commit index, false when it waits for a round.
     *
     * <p>A follower's read request doubles as its acknowledgement of this leadership: it was in
     * this term (the step checked the message's term) after its read began, so no newer leader can
     * have committed anything without it. When that and our own acknowledgement make a quorum
     * (three voters), the read needs no heartbeat round. The request's acknowledgement covers only
     * its own read, hence an immediate answer rather than a place in the shared round.
     */
    boolean request(Request r, boolean committedInTerm, Majority voters) {
        if (!committedInTerm) {
            waitingForCommit.add(r);
            return false;
        }
        if (!r.from().equals(self) && voters.isQuorum(Set.of(self, r.from()))) {
            return true;
        }
        batch.add(r);
        return false;
    }

    void releaseWaitingForCommit() {
        if (!waitingForCommit.isEmpty()) {
            batch.addAll(waitingForCommit);
            waitingForCommit.clear();
        }
    }

    /** Starts a round for the batched requests at {@code committed}, with our own acknowledgement; null when none are batched. */
    Round startRound(long committed) {
        if (batch.isEmpty()) {
            return null;
        }
        ByteString ctx = ByteString.copyFromUtf8("r" + nextRound++);
        Set<String> acks = new HashSet<>();
        acks.add(self);
        Round round = new Round(ctx, committed, batch, acks);
        batch = new ArrayList<>();
        rounds.put(ctx, round);
        return round;
    }

    /** Records {@code from}'s acknowledgement of round {@code ctx}; returns the rounds it confirms, oldest first. */
    List<Round> ack(ByteString ctx, String from, Majority voters) {
        Round r = rounds.get(ctx);
        if (r == null) {
            return List.of();
        }
        r.acks().add(from);
        return confirmed(r, voters);
    }

    /**
     * Removes and returns every round up to and including {@code r} if a quorum of voters has
     * acknowledged it: its confirmation covers the earlier ones. Empty while it lacks a quorum.
     */
    List<Round> confirmed(Round r, Majority voters) {
        if (!voters.isQuorum(r.acks())) {
            return List.of();
        }
        List<Round> out = new ArrayList<>();
        Iterator<Round> it = rounds.values().iterator();
        while (it.hasNext()) {
            Round next = it.next();
            it.remove();
            out.add(next);
            if (next == r) {
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
